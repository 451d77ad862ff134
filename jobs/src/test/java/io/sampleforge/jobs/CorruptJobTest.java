package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code corrupt} job (conf/jobs/corrupt.yaml): measurements are keyed per row (the same output from
 * one input file or three), follow their law (noise variance and clean share within a few standard errors,
 * with the power to tell sigma_y 0.45 from 0.5; a mask's missing share; a linear map exactly), a table
 * without ids is keyed by content, and bad input exits 3 (values, ids) or 2 (config) with nothing written.
 */
class CorruptJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/corrupt.yaml";

  @TempDir
  static Path dir;

  private String one;
  private String three;
  private final List<Row> clean = new ArrayList<>();

  @BeforeAll
  void tables() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.IntegerType);
    for (long i = 0; i < 3000; i++) {
      clean.add(RowFactory.create(i, Math.sin(i), 0.01 * i, (int) (i % 7)));
    }
    one = dir.resolve("clean1.parquet").toString();
    three = dir.resolve("clean3.parquet").toString();
    spark.createDataFrame(clean, schema).coalesce(1).write().parquet(one);
    spark.createDataFrame(clean, schema).repartition(3).write().parquet(three);
  }

  private String[] args(String input, String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("corrupt", "-c", CONFIG, "--input", input, "--output", out, "--set",
        "id_column=id", "--set", "columns=[a,b,c]"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void noiseIsKeyedPerRowAndFollowsItsLaw() throws IOException {
    String a = dir.resolve("noise1").toString();
    String b = dir.resolve("noise3").toString();
    String[] noise = {"--set", "operator.type=noise", "--set", "operator.mask_rate=null", "--set", "operator.sigma_y=0.5",
        "--set", "clean_fraction=0.25"};
    assertEquals(0, SampleforgeMain.execute(args(one, a, noise)));
    assertEquals(0, SampleforgeMain.execute(args(three, b, noise)));
    List<Row> ra = spark.read().parquet(a).orderBy("id").collectAsList();
    assertEquals(ra, spark.read().parquet(b).orderBy("id").collectAsList(), "one file or three: the same rows");
    assertEquals(List.of("id", "a", "b", "c", "observed", "corrupted", "operator", "seed", "clean_a", "clean_b",
        "clean_c"), List.of(spark.read().parquet(a).columns()));
    int cleanRows = 0;
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (Row r : ra) {
      boolean corrupted = r.getBoolean(5);
      for (int j = 0; j < 3; j++) {
        double residual = r.getDouble(1 + j) - r.getDouble(8 + j);
        if (!corrupted) {
          assertEquals(0.0, residual, 0.0, "a clean row is its values");
        } else {
          sum += residual;
          sq += residual * residual;
          n++;
        }
      }
      cleanRows += corrupted ? 0 : 1;
    }
    // clean share: binomial(3000, 0.25), standard error 0.0079
    assertEquals(0.25, cleanRows / 3000.0, 4 * 0.0079, "clean share");
    double mean = sum / n;
    double var = sq / n - mean * mean;
    double se = 0.25 * Math.sqrt(2.0 / n); // standard error of a normal sample variance
    assertEquals(0.0, mean, 4 * 0.5 / Math.sqrt(n), "noise mean");
    assertEquals(0.25, var, 4 * se, "noise variance sigma_y^2");
    assertTrue(Math.abs(0.2025 - 0.25) > 8 * se, "power: sigma_y 0.45 would be rejected by the same band");
    assertEquals(3000 - cleanRows, new ObjectMapper().readTree(new File(a, "_manifest.json")).at("/stats/corrupted_rows")
        .asLong());
  }

  @Test
  void masksLinearMapsAndContentKeys() throws IOException {
    String masked = dir.resolve("masked").toString();
    assertEquals(0, SampleforgeMain.execute(args(one, masked, "--set", "operator.mask_rate=0.3")));
    List<Row> rows = spark.read().parquet(masked).orderBy("id").collectAsList();
    int missing = 0;
    for (Row r : rows) {
      List<Object> observed = r.getList(4);
      for (int j = 0; j < 3; j++) {
        if (!(Boolean) observed.get(j)) {
          assertNull(r.get(1 + j), "a masked cell is null");
          missing++;
        } else {
          assertEquals(r.getDouble(8 + j), r.getDouble(1 + j), 0.0, "an observed cell without noise is the value");
        }
      }
    }
    // missing share: binomial(9000, 0.3), standard error 0.0048
    assertEquals(0.3, missing / 9000.0, 4 * 0.0048, "missing share");
    assertEquals(missing / 9000.0, new ObjectMapper().readTree(new File(masked, "_manifest.json"))
        .at("/stats/masked_cell_fraction").asDouble(), 1e-12);

    String linear = dir.resolve("linear").toString();
    assertEquals(0, SampleforgeMain.execute(args(three, linear, "--set", "operator.type=linear", "--set",
        "operator.mask_rate=null", "--set", "operator.matrix=[[1,2,0],[0,-1,0.5]]")));
    List<Row> lin = spark.read().parquet(linear).orderBy("id").collectAsList();
    assertEquals(List.of("id", "y0", "y1", "observed", "corrupted", "operator", "seed", "clean_a", "clean_b", "clean_c"),
        List.of(spark.read().parquet(linear).columns()));
    for (Row r : lin) {
      Row x = clean.get((int) r.getLong(0));
      double a = x.getDouble(1);
      double b = x.getDouble(2);
      double c = x.getInt(3);
      assertEquals(a + 2 * b, r.getDouble(1), 1e-12);
      assertEquals(-b + 0.5 * c, r.getDouble(2), 1e-12);
    }

    // no id column: keyed by content, the same measurement from one file or three
    String k1 = dir.resolve("content1").toString();
    String k3 = dir.resolve("content3").toString();
    String[] noise = {"--set", "id_column=null", "--set", "operator.type=noise", "--set", "operator.mask_rate=null",
        "--set", "operator.sigma_y=0.3",
        "--set", "keep_clean=false"};
    assertEquals(0, SampleforgeMain.execute(args(one, k1, noise)));
    assertEquals(0, SampleforgeMain.execute(args(three, k3, noise)));
    assertEquals(spark.read().parquet(k1).orderBy("row_key").collectAsList(),
        spark.read().parquet(k3).orderBy("row_key").collectAsList());
    assertEquals("row_key", spark.read().parquet(k1).columns()[0]);
  }

  @Test
  void badInputExitsThreeOrTwoAndWritesNothing() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
    String nan = dir.resolve("nan.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, 1.0, Double.NaN, 0.0), RowFactory.create(2L, 1.0, 2.0, 0.0)),
        schema).write().parquet(nan);
    String repeated = dir.resolve("repeated.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, 1.0, 1.0, 0.0), RowFactory.create(1L, 1.0, 2.0, 0.0)), schema)
        .write().parquet(repeated);
    String out = dir.resolve("bad").toString();
    Cli c = Cli.run(args(nan, out));
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'b'") && c.err().contains("finite"), c.err());
    c = Cli.run(args(repeated, out));
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'id'") && c.err().contains("unique"), c.err());
    c = Cli.run(args(one, out, "--set", "operator.type=linear", "--set", "operator.mask_rate=null", "--set",
        "operator.matrix=[[1,2]]"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'operator.matrix' must have one column per value column (3)"), c.err());
    c = Cli.run(args(one, out, "--set", "operator.type=linear", "--set", "operator.mask_rate=null", "--set",
        "operator.matrix=[[1,2,3]]", "--set", "clean_fraction=0.5"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'clean_fraction' applies to noise and mask only"), c.err());
    c = Cli.run(args(one, out, "--set", "operator.mask_rate=1.5"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'operator.mask_rate' must be in [0, 1]"), c.err());
    assertFalse(new File(out).exists(), "nothing written");
  }
}
