package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;
import io.sampleforge.spark.MlbenchData;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.InputDataException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Synthetic rows get their own ids: unique across the whole output (originals included), above
 * every input id for integer ids and {@code <parent>#<index>} for string ids, with the parent's id
 * in the lineage column; the same ids for other partitionings; string inputs that could collide
 * are refused naming the id column.
 */
class SyntheticIdsTest extends LocalSparkTest {
  private static final MlbenchData SATELLITE = MlbenchData.read("Satellite", "classes", "damp grey soil");

  private Smote smote() {
    return new Smote().setLabelCol("classes").setFeatureCols(SATELLITE.featureColumns()).setIdCol("row").setSeed(3)
        .setSamplingStrategy("0.6").setBlockRows(300);
  }

  private static void assertUniqueIds(Dataset<Row> out) {
    long rows = out.count();
    assertEquals(rows, out.select("row").distinct().count(), "every output id is distinct");
    assertEquals(0, out.filter(col("row").isNull()).count(), "no null id");
  }

  @Test
  void integerIdsOfSyntheticRowsAreUniqueAboveTheInputIdsAndStable() {
    Dataset<Row> input = SATELLITE.frame(spark, 3);
    long maxInput = input.agg(org.apache.spark.sql.functions.max("row")).first().getLong(0);
    Dataset<Row> out = smote().transform(input).cache();
    assertUniqueIds(out);
    Dataset<Row> synthetic = out.filter(col("is_synthetic"));
    assertTrue(synthetic.count() > 0);
    assertEquals(0, synthetic.filter(col("row").leq(maxInput)).count(), "synthetic ids lie above every input id");
    assertEquals(0, synthetic.filter(col("parent_id").isNull()).count(), "the parent's id is kept in the lineage");
    // the original rows keep their ids
    assertEquals(input.count(), out.filter(col("is_synthetic").equalTo(false)).join(input.select("row"), "row").count());
    List<String> again = SmoteDeterminismTest.sortedRows(smote().transform(SATELLITE.frame(spark, 7)).select("row", "parent_id"));
    assertEquals(SmoteDeterminismTest.sortedRows(out.select("row", "parent_id")), again, "same ids for another partitioning");
    out.unpersist();
  }

  @Test
  void stringIdsOfSyntheticRowsAreParentHashIndex() {
    Dataset<Row> input = SATELLITE.frame(spark, 3).withColumn("row", col("row").cast("string"));
    Dataset<Row> out = smote().transform(input).cache();
    assertUniqueIds(out);
    Dataset<Row> synthetic = out.filter(col("is_synthetic"));
    assertEquals(synthetic.count(), synthetic.filter(col("row").startsWith(col("parent_id").cast("string"))
        .and(col("row").rlike("#[0-9]+$"))).count(), "<parent>#<index>");
    out.unpersist();
  }

  @Test
  void stringIdsThatCouldCollideAreRefused() {
    Dataset<Row> input = SATELLITE.frame(spark, 2).withColumn("row",
        org.apache.spark.sql.functions.concat(col("row").cast("string"), org.apache.spark.sql.functions.lit("#1")));
    InputDataException e = assertThrows(InputDataException.class, () -> smote().transform(input).count());
    assertTrue(e.getMessage().contains("column 'row'") && e.getMessage().contains("#<digits>"), e.getMessage());
  }
}
