package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.ClassMixtureDenoiser;
import io.sampleforge.diffusion.continuous.ClassifierFreeGuidance;
import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.DpmSolverPlusPlus;
import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleBatch;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
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
 * Class-labelled requests and classifier-free guidance in the {@code diffuse} job: the example mixture
 * with its components labelled ({@code model.component_classes: [0, 1, 1]}) is an exact class-conditional
 * model, so at guidance scale 1 each label's samples must follow its class's mixture (MMD against exact
 * draws, with a power check against the other class and the marginal), at scale 0 they are the
 * unconditional samples, and at scale 3 they are the kernel's guided samples row for row. Bad labels
 * exit 3; labels for an unconditional model and guidance without labels exit 2.
 */
class DiffuseGuidanceJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/diffuse.yaml";

  @TempDir
  static Path dir;

  private String requests;

  /** The example config's mixture (conf/jobs/diffuse.yaml), component k as written there. */
  private static final double[] WEIGHTS = {0.5, 0.3, 0.2};
  private static final double[][] MEANS = {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}};
  private static final double[][][] COVS = {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}},
      {{0.3, 0.0}, {0.0, 0.1}}};

  /** Class 0 = component 0; class 1 = components 1 and 2, weights 0.3 : 0.2. */
  private static ClassMixtureDenoiser classes() {
    GaussianMixture c0 = GaussianMixture.full(new double[] {1.0}, new double[][] {MEANS[0]}, new double[][][] {COVS[0]});
    GaussianMixture c1 = GaussianMixture.full(new double[] {0.6, 0.4}, new double[][] {MEANS[1], MEANS[2]},
        new double[][][] {COVS[1], COVS[2]});
    return new ClassMixtureDenoiser(new double[] {0.5, 0.5}, List.of(c0, c1), PredictionType.EPSILON);
  }

  @BeforeAll
  void requestTable() {
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("label", DataTypes.IntegerType);
    requests = dir.resolve("labelled.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(10L, 300, 0), RowFactory.create(11L, 300, 1),
        RowFactory.create(12L, 40, null)), schema).repartition(2).write().parquet(requests);
  }

  private String[] args(String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("diffuse", "-c", CONFIG, "--output", out, "--set", "rows=null",
        "--input", requests, "--set", "id_column=rid", "--set", "count_column=n", "--set", "label_column=label",
        "--set", "model.component_classes=[0,1,1]", "--set", "steps=10", "--set", "quality_samples=0"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(new String[0]);
  }

  private static double[] values(List<Row> rows, Integer label) {
    List<Row> picked = rows.stream().filter(r -> label == null ? r.isNullAt(2) : !r.isNullAt(2) && r.getInt(2) == label)
        .toList();
    double[] x = new double[picked.size() * 2];
    for (int i = 0; i < picked.size(); i++) {
      x[2 * i] = picked.get(i).getDouble(3);
      x[2 * i + 1] = picked.get(i).getDouble(4);
    }
    return x;
  }

  private static double[] exact(GaussianMixture law, int n, long salt) {
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(salt + i, 0);
    }
    return new GaussianDraws(7).exactSamples(law, keys);
  }

  @Test
  void atScaleOneEachLabelFollowsItsClassAndTheManifestComparesWithExactDraws() throws IOException {
    String out = dir.resolve("w1").toString();
    assertEquals(0, SampleforgeMain.execute(args(out, "--set", "quality_samples=640")));
    assertEquals(List.of("rid", "sample_index", "label", "x", "y", "nfe", "solver", "model", "seed"),
        Arrays.asList(spark.read().parquet(out).columns()));
    List<Row> rows = spark.read().parquet(out).orderBy("rid", "sample_index").collectAsList();
    assertEquals(640, rows.size());
    assertNull(rows.get(639).get(2), "a null label stays null: the unconditional model");
    ClassMixtureDenoiser truth = classes();
    double[] zero = values(rows, 0);
    double[] one = values(rows, 1);
    SampleDistance.MmdTest same0 = SampleDistance.mmd(zero, exact(truth.classMixture(0), 300, 1_000), 2, 200, 0.01, 3);
    SampleDistance.MmdTest same1 = SampleDistance.mmd(one, exact(truth.classMixture(1), 300, 2_000), 2, 200, 0.01, 3);
    assertFalse(same0.rejects(), "label 0 samples vs class 0: " + same0);
    assertFalse(same1.rejects(), "label 1 samples vs class 1: " + same1);
    // power: the same test tells label 1's samples from the marginal and from class 0
    assertTrue(SampleDistance.mmd(one, exact(truth.marginal(), 300, 3_000), 2, 200, 0.01, 3).rejects());
    assertTrue(SampleDistance.mmd(one, exact(truth.classMixture(0), 300, 4_000), 2, 200, 0.01, 3).rejects());
    JsonNode quality = new ObjectMapper().readTree(new File(out, "_manifest.json")).at("/stats/quality");
    assertEquals(640, quality.get("samples").asInt());
    assertTrue(quality.get("exact_law").asText().startsWith("each sample's class mixture"), quality.toString());
    assertFalse(quality.get("indistinguishable_at_level").isNull(), quality.toString());
    assertTrue(new ObjectMapper().readTree(new File(out, "_manifest.json")).at("/model/classes").asInt() == 2);
  }

  @Test
  void guidedSamplesAreTheKernelsAndScaleZeroIsTheUnconditionalModel() throws IOException {
    String guided = dir.resolve("w3").toString();
    String zero = dir.resolve("w0").toString();
    assertEquals(0, SampleforgeMain.execute(args(guided, "--set", "guidance_scale=3.0", "--set", "batch_size=17",
        "--set", "partitions=3")));
    assertEquals(0, SampleforgeMain.execute(args(zero, "--set", "guidance_scale=0")));
    List<Row> g = spark.read().parquet(guided).orderBy("rid", "sample_index").collectAsList();
    List<Row> z = spark.read().parquet(zero).orderBy("rid", "sample_index").collectAsList();
    List<Row> keyRows = spark.read().parquet(requests).select(col("rid"), xxhash64(col("rid"))).orderBy("rid")
        .collectAsList();
    SampleKey[] keys = new SampleKey[g.size()];
    int[] labels = new int[g.size()];
    for (int i = 0; i < g.size(); i++) {
      long rid = g.get(i).getLong(0);
      keys[i] = new SampleKey(keyRows.get((int) (rid - 10)).getLong(1), g.get(i).getInt(1));
      labels[i] = g.get(i).isNullAt(2) ? 2 : g.get(i).getInt(2);
    }
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
        DiffusersSpacing.LINSPACE, 10, 0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    SampleBatch expected = solver.sample(ClassifierFreeGuidance.of(classes(), labels, 3.0), keys, new GaussianDraws(42));
    GaussianMixture marginal = GaussianMixture.full(WEIGHTS, MEANS, COVS);
    SampleBatch unconditional = solver.sample(new GaussianMixtureDenoiser(marginal, PredictionType.EPSILON), keys,
        new GaussianDraws(42));
    for (int i = 0; i < g.size(); i++) {
      assertEquals(expected.row(i)[0], g.get(i).getDouble(3), 1e-9, "guided x of row " + i);
      assertEquals(expected.row(i)[1], g.get(i).getDouble(4), 1e-9, "guided y of row " + i);
      assertEquals(unconditional.row(i)[0], z.get(i).getDouble(3), 1e-9, "w = 0 x of row " + i);
      assertEquals(unconditional.row(i)[1], z.get(i).getDouble(4), 1e-9, "w = 0 y of row " + i);
    }
    assertTrue(g.get(0).getString(7).contains("\"classes\":2"), g.get(0).getString(7));
    assertTrue(g.get(0).getString(6).endsWith(",\"guidance_scale\":3.0}"), g.get(0).getString(6));
    assertEquals(3.0, new ObjectMapper().readTree(new File(guided, "_manifest.json")).at("/guidance/guidance_scale")
        .asDouble());
  }

  /**
   * The exported class-conditional contract (the gauss_mlp fixture's model_cond.pt, trained on three
   * labelled Gaussians, make_gauss_mlp.py): each label's samples centre on its Gaussian's mean (the
   * model is within 0.002 MSE of the exact noise predictor; 120 samples give a standard error below 0.05).
   */
  @Test
  void anExportedConditionalModelDrawsEachLabelsGaussian() {
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("label", DataTypes.IntegerType);
    String three = dir.resolve("three.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(0L, 120, 0), RowFactory.create(1L, 120, 1),
        RowFactory.create(2L, 120, 2)), schema).write().parquet(three);
    Path mlp = Path.of("../pipeline-core/src/test/resources/model/gauss_mlp").toAbsolutePath();
    String out = dir.resolve("exported").toString();
    List<String> a = new ArrayList<>(Arrays.asList(args(out, "--set", "model.weights=null", "--set", "model.means=null",
        "--set", "model.covariances=null", "--set", "model.component_classes=null", "--set", "model.type=torchscript",
        "--set", "model.path=" + mlp.resolve("model_cond.pt"), "--set", "model.shape=[2]", "--set",
        "model.num_classes=3", "--set", "solver.name=unipc", "--set", "solver.solver_type=null", "--set",
        "solver.euler_at_final=null")));
    a.set(a.indexOf("--input") + 1, three);
    assertEquals(0, SampleforgeMain.execute(a.toArray(new String[0])));
    List<Row> rows = spark.read().parquet(out).collectAsList();
    double[][] fixtureMeans = {{-2.0, -1.0}, {2.0, -1.0}, {0.0, 2.0}};
    for (int c = 0; c < 3; c++) {
      double[] v = values(rows, c);
      double mx = 0;
      double my = 0;
      for (int i = 0; i < v.length; i += 2) {
        mx += v[i] / 120;
        my += v[i + 1] / 120;
      }
      assertEquals(fixtureMeans[c][0], mx, 0.2, "label " + c + " mean x");
      assertEquals(fixtureMeans[c][1], my, 0.2, "label " + c + " mean y");
    }
    assertTrue(rows.get(0).getString(7).contains("\"classes\":3"), rows.get(0).getString(7));
  }

  /** The 2-D normal density of component k at (x, y). */
  private static double normal(int k, double x, double y) {
    double[][] c = COVS[k];
    double det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    double dx = x - MEANS[k][0];
    double dy = y - MEANS[k][1];
    double q = (c[1][1] * dx * dx - 2 * c[0][1] * dx * dy + c[0][0] * dy * dy) / det;
    return Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(det));
  }

  /** E[x] and E[y] of p_1^w p^(1-w) by quadrature on [-7, 7]^2 (step 0.01): the guided target's exact mean. */
  private static double[] guidedTargetMean(double w) {
    double z = 0;
    double sx = 0;
    double sy = 0;
    for (int i = -700; i <= 700; i++) {
      for (int j = -700; j <= 700; j++) {
        double x = i * 0.01;
        double y = j * 0.01;
        double c1 = 0.6 * normal(1, x, y) + 0.4 * normal(2, x, y);
        double all = WEIGHTS[0] * normal(0, x, y) + WEIGHTS[1] * normal(1, x, y) + WEIGHTS[2] * normal(2, x, y);
        double f = c1 > 0 ? Math.exp(w * Math.log(c1) + (1 - w) * Math.log(all)) : 0;
        z += f;
        sx += f * x;
        sy += f * y;
      }
    }
    return new double[] {sx / z, sy / z};
  }

  /**
   * Feynman-Kac corrector SMC in the job: guidance at w = 3 targets p_1^3 p^-2, whose mean is computed by
   * quadrature. The corrected samples' mean is closer to it than plain guidance's (which has no weights
   * and misses the target), and every particle carries its lineage and its group's ESS.
   */
  @Test
  void smcCorrectsGuidanceTowardsItsExactTarget() throws IOException {
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("label", DataTypes.IntegerType);
    String one = dir.resolve("one-label.parquet").toString();
    List<Row> req = new ArrayList<>();
    for (long r = 0; r < 8; r++) {
      req.add(RowFactory.create(r, 64, 1));
    }
    spark.createDataFrame(req, schema).write().parquet(one);
    String[] sde = {"--set", "guidance_scale=3.0", "--set", "solver.name=sde-dpmsolver++", "--set", "steps=30"};
    String smc = dir.resolve("smc").toString();
    String plain = dir.resolve("plain-cfg").toString();
    List<String> a = new ArrayList<>(Arrays.asList(args(smc, sde)));
    a.addAll(List.of("--set", "smc.particles=64", "--set", "batch_size=256"));
    a.set(a.indexOf("--input") + 1, one);
    List<String> b = new ArrayList<>(Arrays.asList(args(plain, sde)));
    b.set(b.indexOf("--input") + 1, one);
    assertEquals(0, SampleforgeMain.execute(a.toArray(new String[0])));
    assertEquals(0, SampleforgeMain.execute(b.toArray(new String[0])));
    double[] exact = guidedTargetMean(3.0);
    double[] errors = new double[2];
    for (int run = 0; run < 2; run++) {
      List<Row> rows = spark.read().parquet(run == 0 ? smc : plain).collectAsList();
      assertEquals(512, rows.size());
      double mx = 0;
      double my = 0;
      for (Row r : rows) {
        mx += r.getDouble(3) / 512;
        my += r.getDouble(4) / 512;
      }
      errors[run] = Math.hypot(mx - exact[0], my - exact[1]);
      if (run == 0) {
        for (Row r : rows) {
          assertTrue(r.getInt(9) >= 0 && r.getInt(9) < 64, "lineage " + r);
          assertTrue(r.getDouble(10) > 0 && r.getDouble(10) <= 1, "ESS fraction " + r);
        }
      }
    }
    List<String> columns = Arrays.asList(spark.read().parquet(smc).columns());
    assertEquals(List.of("rid", "sample_index", "label", "x", "y", "nfe", "solver", "model", "seed", "smc_lineage",
        "smc_ess_min"), columns);
    // seed 42: SMC 0.09 from the exact mean, plain guidance 0.34 (its bias; the standard error of a mean of
    // 512 draws is about 0.05 here)
    assertTrue(errors[1] > 0.25, "plain guidance misses p_1^3 p^-2 (power): " + errors[1]);
    assertTrue(errors[0] < 0.15 && errors[0] < 0.5 * errors[1], "SMC " + errors[0] + " vs plain guidance " + errors[1]);
    JsonNode stats = new ObjectMapper().readTree(new File(smc, "_manifest.json")).at("/stats/smc");
    assertEquals(8, stats.get("groups").asInt(), stats.toString());
    assertTrue(stats.get("ess_min").asDouble() > 0 && stats.get("ess_min").asDouble() <= stats.get("ess_mean_of_group_min")
        .asDouble(), stats.toString());
  }

  @Test
  void badLabelsExitThreeAndLabelsWithoutAConditionalModelExitTwo() {
    StructType schema = new StructType().add("rid", DataTypes.LongType).add("n", DataTypes.IntegerType)
        .add("label", DataTypes.LongType);
    String bad = dir.resolve("bad-labels.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, 2, 1L), RowFactory.create(2L, 2, 2L)), schema).write()
        .parquet(bad);
    String out = dir.resolve("bad").toString();
    List<String> a = new ArrayList<>(Arrays.asList(args(out)));
    a.set(a.indexOf("--input") + 1, bad);
    Cli c = Cli.run(a.toArray(new String[0]));
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'label'") && c.err().contains("[0, 2)") && c.err().contains("id 2 has 2"), c.err());

    c = Cli.run(args(out, "--set", "model.component_classes=null"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'label_column/model' needs a class-conditional model"), c.err());
    c = Cli.run(args(out, "--set", "label_column=null", "--set", "guidance_scale=2"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'guidance_scale/label_column'"), c.err());
    c = Cli.run(args(out, "--set", "model.component_classes=[0,2,2]"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'model.component_classes' must use every class"), c.err());
    c = Cli.run(args(out, "--set", "guidance_scale=-1"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'guidance_scale' must be finite and >= 0"), c.err());
    assertFalse(new File(out).exists(), "nothing written");
  }
}
