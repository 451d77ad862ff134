package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.decode.DecodingMode;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.errors.SampleforgeException;
import io.sampleforge.tabular.ClassPlan;
import io.sampleforge.tabular.InvalidHandling;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad-input rule gives a clear error (column/parameter, rule, offending value) or a warning. */
class SmoteBadInputTest extends LocalSparkTest {

  /** id, x1, x2 (double), s (string), label: class a has na rows, b has nb rows. */
  private Dataset<Row> table(int na, int nb, Double bad) {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x1", DataTypes.DoubleType)
        .add("x2", DataTypes.DoubleType).add("s", DataTypes.StringType).add("label", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < na + nb; i++) {
      double x1 = (i == 1 && bad != null) ? bad : i * 0.5;
      rows.add(RowFactory.create((long) i, x1, (double) (i % 7), "t" + i, i < na ? "a" : "b"));
    }
    return spark.createDataFrame(rows, schema);
  }

  private Smote smote() {
    return new Smote().setFeatureCols("x1", "x2").setIdCol("id");
  }

  private static <T extends SampleforgeException> T fails(Class<T> type, int exit, Executable run, String... mentions) {
    T e = assertThrows(type, run);
    assertEquals(exit, e.exitCode());
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), "message should mention '" + m + "': " + e.getMessage());
    }
    return e;
  }

  @Test
  void missingColumn() {
    fails(InputDataException.class, 3, () -> smote().setFeatureCols("x1", "nope").run(table(10, 3, null)), "'nope'", "must exist");
  }

  @Test
  void nonNumericFeature() {
    fails(InputDataException.class, 3, () -> smote().setFeatureCols("x1", "s").run(table(10, 3, null)), "'s'", "numeric", "string");
  }

  @Test
  void nanAndInfinityAreReportedWithCountAndExample() {
    fails(InputDataException.class, 3, () -> smote().run(table(10, 3, Double.NaN)), "'x1'", "1 offending rows", "NaN");
    fails(InputDataException.class, 3, () -> smote().run(table(10, 3, Double.POSITIVE_INFINITY)), "'x1'", "Infinity");
    fails(InputDataException.class, 3, () -> smote().run(table(10, 3, Double.NEGATIVE_INFINITY)), "'x1'", "-Infinity");
  }

  @Test
  void hugeFiniteValuesAreValid() {
    // the largest finite double in both features of one row: their sum overflows, the check must not
    Dataset<Row> t = table(10, 3, Double.MAX_VALUE).withColumn("x2",
        org.apache.spark.sql.functions.when(col("id").equalTo(1), Double.MAX_VALUE).otherwise(col("x2")));
    SmoteResult r = smote().run(t);
    assertEquals(0, r.droppedInvalidRows());
    assertEquals(20, r.output().count(), "10 'a' rows + 3 'b' rows raised to 10");
  }

  @Test
  void nullFeatureIsReported() {
    Dataset<Row> t = table(10, 3, null).withColumn("x2", org.apache.spark.sql.functions.when(col("id").equalTo(4), null).otherwise(col("x2")));
    fails(InputDataException.class, 3, () -> smote().run(t), "'x2'", "non-null");
  }

  @Test
  void dropModeDropsAndCountsInvalidRows() {
    SmoteResult r = smote().setHandleInvalid("drop").run(table(10, 3, Double.NaN));
    assertEquals(1, r.droppedInvalidRows());
    assertEquals(18, r.output().count(), "9 valid 'a' rows + 9 'b' rows after raising b");
  }

  @Test
  void singleClassLabel() {
    fails(InputDataException.class, 3, () -> smote().run(table(10, 0, null)), "label", "two classes");
  }

  @Test
  void unknownStrategyString() {
    fails(ConfigException.class, 2, () -> smote().setSamplingStrategy("balanced"), "sampling_strategy", "'balanced'");
  }

  /** Errors name the keys a job user writes (README config reference), not the Java Param names. */
  @Test
  void configErrorsNameTheJobConfigKeys() {
    Dataset<Row> t = table(10, 3, null);
    fails(ConfigException.class, 2, () -> smote().setFeatureCols("x1", "x1").run(t), "parameter 'features'", "repeat");
    fails(ConfigException.class, 2, () -> smote().setFeaturesCol("v").run(t), "parameter 'features/features_vector'", "features_vector=v");
    fails(ConfigException.class, 2, () -> smote().setBlockRows(8).run(t), "parameter 'block_rows'", "got 8");
    fails(ConfigException.class, 2, () -> InvalidHandling.parse("skip"), "parameter 'on_invalid'", "'skip'");
    fails(ConfigException.class, 2, () -> smote().setParentIdCol(" ").run(t), "parameter 'lineage.parent_id'");
    fails(ConfigException.class, 2, () -> DecodingMode.parse("beam"), "parameter 'decoding'", "'beam'");
  }

  @Test
  void mapNamingAbsentClassOrAskingFewerRows() {
    fails(ConfigException.class, 2, () -> smote().setSamplingStrategy("z:40").run(table(10, 3, null)), "'z'", "not present");
    fails(ConfigException.class, 2, () -> smote().setSamplingStrategy("b:2").run(table(10, 3, null)), "'b'", "at least");
  }

  @Test
  void smallClassUsesFewerNeighboursWithWarning() {
    SmoteResult r = smote().run(table(20, 3, null));
    ClassPlan b = r.plans().stream().filter(p -> p.label().equals("b")).findFirst().orElseThrow();
    assertEquals(2, b.neighbors());
    assertTrue(b.warnings().get(0).contains("k=2"), b.warnings().toString());
    assertEquals(20, r.output().filter(col("label").equalTo("b")).count());
  }

  @Test
  void oneRowClassIsDuplicatedWithWarning() {
    SmoteResult r = smote().run(table(6, 1, null));
    ClassPlan b = r.plans().stream().filter(p -> p.label().equals("b")).findFirst().orElseThrow();
    assertEquals(0, b.neighbors());
    assertTrue(b.warnings().get(0).contains("copies"), b.warnings().toString());
    List<Row> synth = r.output().filter(col("is_synthetic")).collectAsList();
    assertEquals(5, synth.size());
    for (Row s : synth) {
      assertEquals(3.0, s.getDouble(s.fieldIndex("x1")));
      assertEquals(6L, s.getLong(s.fieldIndex("parent_id")));
      assertEquals(6L, s.getLong(s.fieldIndex("neighbor_id")));
    }
  }

  @Test
  void duplicateIdsAreRefused() {
    Dataset<Row> t = table(10, 3, null).withColumn("id",
        org.apache.spark.sql.functions.when(col("id").equalTo(12), 11L).otherwise(col("id")));
    fails(InputDataException.class, 3, () -> smote().run(t), "'id'", "unique");
  }

  @Test
  void lineageColumnClash() {
    fails(InputDataException.class, 3, () -> smote().setParentIdCol("s").run(table(10, 3, null)), "'s'", "lineage");
  }

  @Test
  void noInputRowDisappearsAndPassthroughNullBlanksOtherColumns() {
    Dataset<Row> t = table(12, 4, null);
    Dataset<Row> out = smote().setPassthrough("null").transform(t);
    assertEquals(16, out.filter(col("is_synthetic").equalTo(false)).count());
    assertEquals(0, out.filter(col("is_synthetic")).filter(col("s").isNotNull()).count());
    assertEquals(8, out.filter(col("is_synthetic")).count());
  }

  @Test
  void vectorFeaturesColumnWorks() {
    StructType schema = new StructType().add("features", new VectorUDT()).add("label", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(RowFactory.create(Vectors.dense(i, i * i % 11), i < 24 ? 0 : 1));
    }
    Dataset<Row> out = new Smote().setFeaturesCol("features").transform(spark.createDataFrame(rows, schema));
    assertEquals(24, out.filter(col("label").equalTo(1)).count());
    assertEquals(new VectorUDT(), out.schema().apply("features").dataType());
  }
}
