package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
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
 * Continuous conditioning in the {@code diffuse} job ({@code condition_columns: [y]}) with the example's
 * exact 2-D mixture as the joint prior of (x, y): each request's x samples must follow p(x | y = its
 * value), here derived by hand in the test (component weights w_k N(y; mu_ky, S_kyy), means mu_kx + S_kxy /
 * S_kyy (y - mu_ky), variances S_kxx - S_kxy^2 / S_kyy), MMD against exact draws with a power check (the
 * same samples against p(x | y) for another y, and against the x marginal); the y column holds the
 * request's value exactly; the rows do not depend on partitions or batch size; the manifest compares with
 * the exact conditional laws. Bad input: a null condition exits 3 naming the column and id; a condition
 * outside the model's columns, with label_column, or with a network model exits 2.
 */
class DiffuseConditionJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/diffuse.yaml";
  private static final double[] W = {0.5, 0.3, 0.2};
  private static final double[][] MU = {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}};
  private static final double[][][] COV = {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}},
      {{0.3, 0.0}, {0.0, 0.1}}};
  private static final double[] Y = {0.2, 2.2, 0.8};
  private static final int N = 250;

  @TempDir
  static Path dir;

  private String requests;

  @BeforeAll
  void requestTable() {
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("y", DataTypes.DoubleType);
    requests = dir.resolve("conditioned.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, N, Y[0]), RowFactory.create(2L, N, Y[1]),
        RowFactory.create(3L, N, Y[2])), schema).repartition(2).write().parquet(requests);
  }

  private String[] args(String input, String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("diffuse", "-c", CONFIG, "--output", out, "--set", "rows=null",
        "--input", input, "--set", "id_column=rid", "--set", "count_column=n", "--set", "condition_columns=[y]",
        "--set", "steps=20", "--set", "quality_samples=300"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(new String[0]);
  }

  /** p(x | y) of the example mixture, by the 2-D Gaussian conditioning formulas. */
  private static GaussianMixture conditional(double y) {
    double[] logw = new double[3];
    double[][] means = new double[3][1];
    double[][] vars = new double[3][1];
    double best = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < 3; k++) {
      double syy = COV[k][1][1];
      double sxy = COV[k][0][1];
      double r = y - MU[k][1];
      logw[k] = Math.log(W[k]) - 0.5 * Math.log(2 * Math.PI * syy) - 0.5 * r * r / syy;
      means[k][0] = MU[k][0] + sxy / syy * r;
      vars[k][0] = COV[k][0][0] - sxy * sxy / syy;
      best = Math.max(best, logw[k]);
    }
    double[] w = new double[3];
    double total = 0;
    for (int k = 0; k < 3; k++) {
      w[k] = Math.exp(logw[k] - best);
      total += w[k];
    }
    for (int k = 0; k < 3; k++) {
      w[k] /= total;
    }
    return GaussianMixture.diagonal(w, means, vars);
  }

  private static double[] exact(GaussianMixture law, int n, long salt) {
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(salt + i, 0);
    }
    return new GaussianDraws(7).exactSamples(law, keys);
  }

  private static GaussianMixture xMarginal() {
    double[][] means = {{MU[0][0]}, {MU[1][0]}, {MU[2][0]}};
    double[][] vars = {{COV[0][0][0]}, {COV[1][0][0]}, {COV[2][0][0]}};
    return GaussianMixture.diagonal(W, means, vars);
  }

  @Test
  void eachRequestsSamplesFollowTheExactConditionalWhateverThePartitioning() throws IOException {
    String out = dir.resolve("c1").toString();
    String other = dir.resolve("c3").toString();
    assertEquals(0, SampleforgeMain.execute(args(requests, out)));
    assertEquals(0, SampleforgeMain.execute(args(requests, other, "--set", "partitions=3", "--set", "batch_size=37",
        "--set", "quality_samples=0")));
    assertEquals(List.of("rid", "sample_index", "x", "y", "nfe", "solver", "model", "seed"),
        Arrays.asList(spark.read().parquet(out).columns()));
    List<Row> rows = spark.read().parquet(out).orderBy("rid", "sample_index").collectAsList();
    assertEquals(3 * N, rows.size());
    assertEquals(rows, spark.read().parquet(other).orderBy("rid", "sample_index").collectAsList(),
        "the samples do not depend on partitions or batch size");
    for (int q = 0; q < 3; q++) {
      double[] x = new double[N];
      for (int i = 0; i < N; i++) {
        Row r = rows.get(q * N + i);
        assertEquals(Y[q], r.getDouble(3), 0.0, "the condition column holds the request's value exactly");
        x[i] = r.getDouble(2);
      }
      SampleDistance.MmdTest same = SampleDistance.mmd(x, exact(conditional(Y[q]), N, 1000 * q), 1, 200, 0.01, 3);
      assertFalse(same.rejects(), "request " + (q + 1) + " (y = " + Y[q] + ") vs the exact p(x | y): " + same);
      // power: the same test tells these samples from p(x | another y) and from the x marginal
      assertTrue(SampleDistance.mmd(x, exact(conditional(Y[(q + 1) % 3]), N, 5000), 1, 200, 0.01, 3).rejects(),
          "request " + (q + 1) + " vs p(x | y = " + Y[(q + 1) % 3] + ")");
      assertTrue(SampleDistance.mmd(x, exact(xMarginal(), N, 9000), 1, 200, 0.01, 3).rejects(),
          "request " + (q + 1) + " vs the x marginal");
    }
    JsonNode manifest = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    JsonNode quality = manifest.at("/stats/quality");
    assertTrue(quality.get("exact_law").asText().startsWith("each sample's mixture conditioned"), quality.toString());
    assertFalse(quality.get("indistinguishable_at_level").isNull(), quality.toString());
    assertEquals("y", manifest.at("/condition_columns/0").asText());
  }

  @Test
  void badConditionsAreRefusedNamingTheColumnOrKey() {
    String withNull = dir.resolve("null.parquet").toString();
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("y", DataTypes.DoubleType);
    spark.createDataFrame(List.of(RowFactory.create(1L, 3, 0.5), RowFactory.create(7L, 3, null)), schema).write()
        .parquet(withNull);
    Cli missing = Cli.run(args(withNull, dir.resolve("bad1").toString()));
    assertEquals(3, missing.code());
    assertTrue(missing.err().contains("column 'y' (a condition column) must hold a finite value in every request")
        && missing.err().contains("id 7"), missing.err());
    Cli unknown = Cli.run(args(requests, dir.resolve("bad2").toString(), "--set", "condition_columns=[z]"));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("parameter 'condition_columns' must be columns of the model [x, y]"),
        unknown.err());
    Cli labelled = Cli.run(args(requests, dir.resolve("bad3").toString(), "--set", "label_column=n", "--set",
        "model.component_classes=[0,1,1]"));
    assertEquals(2, labelled.code());
    assertTrue(labelled.err().contains("parameter 'condition_columns/label_column' do not combine"), labelled.err());
    Cli network = Cli.run(args(requests, dir.resolve("bad4").toString(), "--set", "model.type=torchscript"));
    assertEquals(2, network.code());
    assertTrue(network.err().contains("condition_columns") || network.err().contains("model."), network.err());
  }
}
