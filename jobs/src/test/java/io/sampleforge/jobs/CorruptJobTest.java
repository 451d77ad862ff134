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

  /**
   * Image rows ([1, 4, 4] draws from a 2-component Gaussian mixture): a Gaussian blur (size 3, sigma 1)
   * measures exactly K x + eta (K from the taps by hand, eta's standard deviation within 10 % of 0.05),
   * and 2 x 2 average pooling writes y0 .. y3 as block means; the {@code posterior} job's exact sampler
   * under the same mixture then reconstructs both: RMSE below the blurred values' own error (deblurring)
   * and below the prior's spread (downsampling), the 90 % intervals of S = 20 draws covering the clean
   * cells as often as order statistics of exact draws do (0.814).
   */
  @Test
  void blurAndDownsampleImageRowsAndTheirPosterior() throws IOException {
    int d = 16;
    double[][] means = new double[2][d];
    double[][] vars = new double[2][d];
    for (int j = 0; j < d; j++) {
      means[0][j] = (j % 4) - 1.5;
      means[1][j] = 1.5 - (j / 4);
      vars[0][j] = 0.3;
      vars[1][j] = 0.3;
    }
    io.sampleforge.diffusion.continuous.GaussianMixture prior = io.sampleforge.diffusion.continuous.GaussianMixture
        .diagonal(new double[] {0.5, 0.5}, means, vars);
    int n = 400;
    io.sampleforge.diffusion.continuous.SampleKey[] keys = new io.sampleforge.diffusion.continuous.SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new io.sampleforge.diffusion.continuous.SampleKey(i, 0);
    }
    double[] x = new io.sampleforge.diffusion.continuous.GaussianDraws(5).exactSamples(prior, keys);
    StructType schema = new StructType().add("id", DataTypes.LongType);
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      schema = schema.add("p" + j, DataTypes.DoubleType);
      cols.add("p" + j);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] v = new Object[d + 1];
      v[0] = (long) i;
      for (int j = 0; j < d; j++) {
        v[1 + j] = x[i * d + j];
      }
      rows.add(RowFactory.create(v));
    }
    String images = dir.resolve("images.parquet").toString();
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(images);
    String colList = "columns=[" + String.join(",", cols) + "]";
    String blurred = dir.resolve("blurred").toString();
    assertEquals(0, SampleforgeMain.execute(new String[] {"corrupt", "-c", CONFIG, "--input", images, "--output",
        blurred, "--set", "id_column=id", "--set", colList, "--set", "operator.type=blur", "--set",
        "operator.mask_rate=null", "--set", "operator.shape=[1,4,4]", "--set", "operator.kernel=gaussian", "--set",
        "operator.size=3", "--set", "operator.blur_sigma=1.0", "--set", "operator.sigma_y=0.05"}));
    double e = Math.exp(-0.5);
    double[] taps = {e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)};
    double noise = 0;
    double blurError = 0;
    for (Row r : spark.read().parquet(blurred).orderBy("id").collectAsList()) {
      int i = (int) r.getLong(0);
      for (int h = 0; h < 4; h++) {
        for (int w = 0; w < 4; w++) {
          double k = 0;
          for (int a = -1; a <= 1; a++) {
            for (int b = -1; b <= 1; b++) {
              if (h + a >= 0 && h + a < 4 && w + b >= 0 && w + b < 4) {
                k += taps[a + 1] * taps[b + 1] * x[i * d + (h + a) * 4 + w + b];
              }
            }
          }
          double y = r.getDouble(1 + h * 4 + w);
          noise += (y - k) * (y - k);
          blurError += (y - x[i * d + h * 4 + w]) * (y - x[i * d + h * 4 + w]);
        }
      }
    }
    assertEquals(0.05, Math.sqrt(noise / (n * d)), 0.005, "y = K x + eta with eta's sigma 0.05");
    blurError = Math.sqrt(blurError / (n * d));
    String pooled = dir.resolve("pooled").toString();
    assertEquals(0, SampleforgeMain.execute(new String[] {"corrupt", "-c", CONFIG, "--input", images, "--output",
        pooled, "--set", "id_column=id", "--set", colList, "--set", "operator.type=downsample", "--set",
        "operator.mask_rate=null", "--set", "operator.shape=[1,4,4]", "--set", "operator.factor=2", "--set",
        "operator.sigma_y=0.05"}));
    Row first = spark.read().parquet(pooled).orderBy("id").first();
    assertEquals("y3", spark.read().parquet(pooled).columns()[4]);
    assertEquals((x[0] + x[1] + x[4] + x[5]) / 4, first.getDouble(1), 0.25, "a block mean plus noise (5 sd)");
    String model = "model={type: gmm, columns: [" + String.join(",", cols) + "], weights: [0.5, 0.5], means: "
        + Arrays.deepToString(means) + ", variances: " + Arrays.deepToString(vars) + "}";
    double[][] quality = new double[2][];
    String[][] ops = {{"operator.type=blur", "operator.shape=[1,4,4]", "operator.kernel=gaussian", "operator.size=3",
        "operator.blur_sigma=1.0"}, {"operator.type=downsample", "operator.shape=[1,4,4]", "operator.factor=2"}};
    String[] inputs = {blurred, pooled};
    for (int c = 0; c < 2; c++) {
      String out = dir.resolve("posterior" + c).toString();
      List<String> a = new ArrayList<>(List.of("posterior", "-c", "../conf/jobs/posterior.yaml", "--input", inputs[c],
          "--output", out, "--set", "id_column=id", "--set", model, "--set", "operator={sigma_y: 0.05}", "--set",
          "sampler.name=exact", "--set", "samples=20"));
      for (String o : ops[c]) {
        a.add("--set");
        a.add(o);
      }
      assertEquals(0, SampleforgeMain.execute(a.toArray(new String[0])), "posterior " + ops[c][0]);
      com.fasterxml.jackson.databind.JsonNode q = new ObjectMapper().readTree(new File(out, "_manifest.json"))
          .at("/stats/against_clean");
      quality[c] = new double[] {q.get("rmse").asDouble(), q.get("coverage_90").asDouble()};
    }
    // each pixel's prior sd: within 0.3, between 0.25 E[(m0 - m1)^2] = 0.25 * 2.5
    double priorSpread = Math.sqrt(0.3 + 0.625);
    System.out.printf("images: blurred values' RMSE %.3f, posterior (blur) RMSE %.3f coverage %.3f; posterior"
        + " (downsample x2) RMSE %.3f coverage %.3f%n", blurError, quality[0][0], quality[0][1], quality[1][0],
        quality[1][1]);
    assertTrue(quality[0][0] < 0.8 * blurError, "deblurring beats the blurred values: " + quality[0][0] + " vs " + blurError);
    assertTrue(quality[1][0] < 0.9 * priorSpread, "pooling keeps information: " + quality[1][0] + " vs " + priorSpread);
    // the interval between Spark's interpolated 5 % and 95 % percentiles of S = 20 exact draws covers a fresh
    // draw with probability (h95 - h5) / (S + 1), h_p = 1 + p (S - 1): (19.05 - 1.95) / 21 = 0.814
    for (double[] qc : quality) {
      assertEquals(0.814, qc[1], 0.04, "the intervals of 20 exact posterior draws cover as order statistics say");
    }
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
