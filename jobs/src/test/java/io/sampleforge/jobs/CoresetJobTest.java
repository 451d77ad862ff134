package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.coreset.CoresetMethod;
import io.sampleforge.coreset.CoresetSample;
import io.sampleforge.coreset.CoresetSampling;
import io.sampleforge.coreset.CoresetSettings;
import io.sampleforge.coreset.Coresets;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code coreset} job (conf/jobs/coreset.yaml): the same rows, scores, weights and draw counts from
 * one input file or three (with replacement, Lewis weights), and the distributed scores and draws equal
 * the in-memory kernel's on the same keys (both samplings; the kernel has no partitions); the manifest's S and sizes; bad input exits 3
 * (non-finite cell, naming row id and column) or 2 (m, p, missing column, d &gt; n) with nothing written.
 */
class CoresetJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/coreset.yaml";
  private static final int N = 1500;

  @TempDir
  static Path dir;

  private String one;
  private String three;
  private final double[][] a = new double[N][3];

  @BeforeAll
  void tables() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.DoubleType)
        .add("y", DataTypes.DoubleType).add("z", DataTypes.IntegerType).add("label", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      a[i][0] = Math.sin(0.7 * i) + 1;
      a[i][1] = Math.cos(1.3 * i) * (i % 250 == 0 ? 40 : 1);
      a[i][2] = (i * 7919) % 13;
      rows.add(RowFactory.create((long) i, a[i][0], a[i][1], (int) a[i][2], "r" + i));
    }
    one = dir.resolve("t1.parquet").toString();
    three = dir.resolve("t3.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(one);
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(three);
  }

  private String[] args(String input, String out, String... extra) {
    List<String> list = new ArrayList<>(List.of("coreset", "-c", CONFIG, "--input", input, "--output", out, "--set",
        "features=[x,y,z]", "--set", "id_column=id", "--set", "m=150"));
    list.addAll(Arrays.asList(extra));
    return list.toArray(new String[0]);
  }

  private long[] keys() {
    long[] k = new long[N];
    for (Row r : spark.read().parquet(one).selectExpr("id", "xxhash64(id)").collectAsList()) {
      k[(int) r.getLong(0)] = r.getLong(1);
    }
    return k;
  }

  /** Poisson + leverage from three input files equals the in-memory kernel, which has no partitions. */
  @Test
  void poissonLeverageFromThreeFilesEqualsTheKernel() throws IOException {
    String x = dir.resolve("lev3").toString();
    assertEquals(0, SampleforgeMain.execute(args(three, x)));
    List<Row> rx = spark.read().parquet(x).orderBy("id").collectAsList();
    assertEquals(List.of("id", "x", "y", "z", "label", "score", "weight"), List.of(spark.read().parquet(x).columns()));
    CoresetSample k = Coresets.sample(a, keys(), new CoresetSettings(List.of("x", "y", "z"), "id", CoresetMethod.LEVERAGE,
        1, 150, CoresetSampling.POISSON, 42, null, 100, 1e-10));
    assertEquals(k.size(), rx.size(), "the kernel draws the same number of rows");
    for (int t = 0; t < rx.size(); t++) {
      Row r = rx.get(t);
      assertEquals(k.rows()[t], (int) r.getLong(0), "row " + t);
      assertEquals(k.rowScores()[t], r.getDouble(5), 1e-12);
      assertEquals(k.weights()[t], r.getDouble(6), 1e-9 * k.weights()[t]);
      assertEquals("r" + r.getLong(0), r.getString(4), "other columns pass through");
    }
    JsonNode m = new ObjectMapper().readTree(new File(x, "_manifest.json"));
    assertEquals(3.0, m.at("/scores/sum_scores").asDouble(), 1e-9, "leverage sums to d");
    assertEquals(k.expectedSize(), m.at("/sizes/expected_size").asDouble(), 1e-9);
    assertEquals(rx.size(), m.at("/sizes/realised_rows").asLong());
    assertEquals(N, m.at("/sizes/input_rows").asLong());
  }

  @Test
  void withReplacementLewisIsPartitionFreeAndDrawsExactlyM() throws IOException {
    String x = dir.resolve("lew1").toString();
    String y = dir.resolve("lew3").toString();
    String[] lewis = {"--set", "method=lewis", "--set", "p=1.5", "--set", "tolerance=1e-8", "--set",
        "sampling=with-replacement"};
    assertEquals(0, SampleforgeMain.execute(args(one, x, lewis)));
    assertEquals(0, SampleforgeMain.execute(args(three, y, lewis)));
    List<Row> rx = spark.read().parquet(x).orderBy("id").collectAsList();
    assertEquals(rx, spark.read().parquet(y).orderBy("id").collectAsList(), "one file or three: the same rows");
    CoresetSample k = Coresets.sample(a, keys(), new CoresetSettings(List.of("x", "y", "z"), "id", CoresetMethod.LEWIS,
        1.5, 150, CoresetSampling.WITH_REPLACEMENT, 42, null, 100, 1e-8));
    Map<Long, Integer> kernelDraws = new HashMap<>();
    for (int t = 0; t < k.size(); t++) {
      kernelDraws.put((long) k.rows()[t], k.draws()[t]);
    }
    int draws = 0;
    for (Row r : rx) {
      assertEquals(kernelDraws.get(r.getLong(0)), r.getInt(7), "draws of id " + r.getLong(0));
      draws += r.getInt(7);
    }
    assertEquals(150, draws);
    assertEquals(kernelDraws.size(), rx.size());
    JsonNode m = new ObjectMapper().readTree(new File(x, "_manifest.json"));
    assertEquals(3.0, m.at("/scores/sum_scores").asDouble(), 1e-8, "Lewis weights sum to d");
    assertTrue(m.at("/scores/lewis_iterations").asInt() > 5, m.toString());
    assertEquals(150, m.at("/sizes/realised_draws").asLong());
  }

  /**
   * sketch countsketch from three files: the scores equal the in-memory kernel's sketched leverage (which
   * has no partitions), each lies within the manifest's measured [distortion_min, distortion_max] times
   * the exact leverage, and the manifest's error equals the kernel's.
   */
  @Test
  void sketchedLeverageFromThreeFilesEqualsTheKernelWithinTheRecordedError() throws IOException {
    String x = dir.resolve("sketch3").toString();
    assertEquals(0, SampleforgeMain.execute(args(three, x, "--set", "sketch=countsketch", "--set", "sketch_rows=64")));
    List<String> cols = List.of("x", "y", "z");
    long[] keys = keys();
    double[] sketched = Coresets.sketchedLeverage(a, keys, 64, 42, 0, cols);
    double[] exact = Coresets.leverage(a, 0, cols);
    io.sampleforge.coreset.SketchError e = Coresets.sketchError(a, keys, 64, 42, 0, cols);
    JsonNode m = new ObjectMapper().readTree(new File(x, "_manifest.json"));
    assertEquals(64, m.at("/scores/sketch/rows").asInt(), m.toString());
    assertEquals(e.distortionMin(), m.at("/scores/sketch/distortion_min").asDouble(), 1e-12);
    assertEquals(e.distortionMax(), m.at("/scores/sketch/distortion_max").asDouble(), 1e-12);
    assertTrue(e.leverageRelativeErrorBound() > 1e-3, "a 64-row sketch is visibly approximate: " + e);
    List<Row> rx = spark.read().parquet(x).collectAsList();
    assertTrue(rx.size() > 100, "rows drawn: " + rx.size());
    for (Row r : rx) {
      int i = (int) r.getLong(0);
      assertEquals(sketched[i], r.getDouble(5), 1e-12 * sketched[i], "id " + i);
      double ratio = r.getDouble(5) / exact[i];
      assertTrue(ratio >= e.distortionMin() - 1e-9 && ratio <= e.distortionMax() + 1e-9, "id " + i + ": " + ratio);
    }
    Cli c = Cli.run(args(one, dir.resolve("never-sketch").toString(), "--set", "sketch=countsketch", "--set", "method=lewis"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'sketch'"), c.err());
  }

  @Test
  void badInputExitsWithTheRightCodeAndWritesNothing() {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.DoubleType)
        .add("y", DataTypes.DoubleType).add("z", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create((long) i, i == 13 ? Double.POSITIVE_INFINITY : i * 0.5, Math.sin(i), i % 3));
    }
    String bad = dir.resolve("bad.parquet").toString();
    spark.createDataFrame(rows, schema).write().parquet(bad);
    String out = dir.resolve("never").toString();
    Cli c = Cli.run(args(bad, out));
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'x'") && c.err().contains("id = 13") && c.err().contains("finite"), c.err());
    c = Cli.run(args(one, out, "--set", "m=0"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'm'"), c.err());
    c = Cli.run(args(one, out, "--set", "method=lewis", "--set", "p=4.5"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'p'"), c.err());
    c = Cli.run(args(one, out, "--set", "features=[x,w]"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'features'") && c.err().contains("'w'"), c.err());
    c = Cli.run(args(one, out, "--set", "method=ridge-leverage"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'lambda'"), c.err());
    String tiny = dir.resolve("tiny.parquet").toString();
    spark.createDataFrame(rows.subList(0, 2), schema).write().parquet(tiny);
    c = Cli.run(args(tiny, out));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("parameter 'features'") && c.err().contains("d = 3, n = 2"), c.err());
    assertFalse(new File(out).exists(), "nothing written");
  }
}
