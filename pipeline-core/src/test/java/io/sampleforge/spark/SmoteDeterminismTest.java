package io.sampleforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Output rows (as a sorted set) are a function of input rows, params and seed only: the same for
 * 1, 3 and 8 input partitions, for local[1] and local[2], with and without an id column; a
 * different seed gives different rows.
 */
class SmoteDeterminismTest {

  static List<String> sortedRows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static List<String> run(SparkSession spark, int partitions, long seed, boolean withId) {
    MlbenchData d = MlbenchData.read("Satellite", "classes", "damp grey soil");
    Dataset<Row> frame = d.frame(spark, partitions);
    if (!withId) {
      frame = frame.drop("row");
    }
    Smote smote = new Smote().setLabelCol("classes").setFeatureCols(d.featureColumns()).setSeed(seed)
        .setSamplingStrategy("0.5").setBlockRows(200);
    if (withId) {
      smote.setIdCol("row");
    }
    return sortedRows(smote.transform(frame));
  }

  @Test
  void sameRowsForAnyPartitioningAndCoreCountDifferentForAnotherSeed() {
    SparkSession one = SparkTestSession.start("local[1]");
    List<String> reference;
    List<String> referenceNoId;
    try {
      reference = run(one, 1, 11, true);
      referenceNoId = run(one, 1, 11, false);
    } finally {
      SparkTestSession.stop(one);
    }
    SparkSession two = SparkTestSession.start("local[2]");
    try {
      assertEquals(reference, run(two, 3, 11, true), "3 partitions, local[2]");
      assertEquals(reference, run(two, 8, 11, true), "8 partitions, local[2]");
      assertEquals(referenceNoId, run(two, 8, 11, false), "content-hash keys, 8 partitions, local[2]");
      // the block-pair neighbour plan (no class resident in memory) gives the same rows as the broadcast plan
      two.conf().set(ResidentNeighbors.MAX_BYTES_CONF, "0");
      assertEquals(reference, run(two, 3, 11, true), "block-pair neighbour plan, 3 partitions, local[2]");
      two.conf().unset(ResidentNeighbors.MAX_BYTES_CONF);
      List<String> otherSeed = run(two, 3, 12, true);
      assertEquals(reference.size(), otherSeed.size());
      assertNotEquals(reference, otherSeed, "a different seed must give different rows");
    } finally {
      SparkTestSession.stop(two);
    }
  }
}
