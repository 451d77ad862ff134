package io.sampleforge.spark.tabular;

import io.sampleforge.spark.MlbenchData;
import io.sampleforge.spark.SparkTestSession;
import io.sampleforge.spark.neighbors.ResidentNeighbors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Output rows (as a sorted set) are a function of input rows, params and seed only: the same for
 * 1, 3 and 8 input partitions, for local[1] and local[2], with and without an id column; a
 * different seed gives different rows.
 */
public class SmoteDeterminismTest {

  public static List<String> sortedRows(Dataset<Row> df) {
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

  /** (parent, neighbour, features) of each synthetic row, with features read from columns or from a vector. */
  private static List<String> synthetic(Dataset<Row> out, String[] featureCols, String vectorCol) {
    return out.filter(col("is_synthetic")).collectAsList().stream().map(r -> {
      double[] x = new double[featureCols.length];
      for (int j = 0; j < x.length; j++) {
        x[j] = vectorCol == null ? r.getDouble(r.fieldIndex(featureCols[j])) : ((Vector) r.get(r.fieldIndex(vectorCol))).apply(j);
      }
      return r.get(r.fieldIndex("parent_id")) + " " + r.get(r.fieldIndex("neighbor_id")) + " " + Arrays.toString(x);
    }).sorted().toList();
  }

  @Test
  void vectorFeaturesGiveTheSameSyntheticRowsAsFeatureColumnsInBothNeighbourPlans() {
    SparkSession spark = SparkTestSession.start("local[2]");
    try {
      MlbenchData d = MlbenchData.read("Satellite", "classes", "damp grey soil");
      String[] cols = d.featureColumns();
      Dataset<Row> frame = d.frame(spark, 3);
      List<String> fromColumns = synthetic(new Smote().setLabelCol("classes").setFeatureCols(cols).setIdCol("row").setSeed(5)
          .transform(frame), cols, null);
      assertFalse(fromColumns.isEmpty());
      Dataset<Row> assembled = new VectorAssembler().setInputCols(cols).setOutputCol("fv").transform(frame);
      Smote vector = new Smote().setLabelCol("classes").setFeaturesCol("fv").setIdCol("row").setSeed(5);
      assertEquals(fromColumns, synthetic(vector.transform(assembled), cols, "fv"), "vector features, resident plan");
      spark.conf().set(ResidentNeighbors.MAX_BYTES_CONF, "0");
      assertEquals(fromColumns, synthetic(vector.transform(assembled), cols, "fv"), "vector features, block-pair plan");
    } finally {
      SparkTestSession.stop(spark);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} clean={1}")
  @org.junit.jupiter.params.provider.CsvSource({"smote,tomek", "adasyn,none", "borderline-1,enn"})
  void stringIdsNullPassthroughAndCleaningGiveTheSameRowsInBothNeighbourPlans(String method, String clean) {
    SparkSession spark = SparkTestSession.start("local[2]");
    try {
      MlbenchData d = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
      Dataset<Row> frame = d.frame(spark, 3).withColumn("row", org.apache.spark.sql.functions.concat(
          org.apache.spark.sql.functions.lit("id-"), col("row").cast("string")));
      Smote smote = new Smote().setLabelCol("diabetes").setFeatureCols(d.featureColumns()).setIdCol("row").setSeed(9)
          .setPassthrough("null").setMethod(method).setClean(clean);
      Dataset<Row> out = smote.transform(frame);
      List<String> resident = sortedRows(out);
      assertTrue(out.filter(col("is_synthetic").and(col("neighbor_id").startsWith("id-"))).count() > 0,
          "synthetic rows carry their neighbours' string ids");
      spark.conf().set(ResidentNeighbors.MAX_BYTES_CONF, "0");
      assertEquals(resident, sortedRows(smote.transform(frame)), "block-pair plan");
    } finally {
      SparkTestSession.stop(spark);
    }
  }
}
