package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code diffuse} job (conf/jobs/diffuse.yaml): its samples are the kernel's, row for row, whatever
 * the partitioning and batch size; request tables expand by their counts; an MLlib fit of a table is
 * deterministic and its samples are indistinguishable from held-out rows (with a power check); bad
 * requests exit 3, bad configs exit 2, a model's NaN exits 3 naming the request.
 */
class DiffuseJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/diffuse.yaml";
  private static final String TRAIN = "../conf/jobs/train-denoiser.yaml";

  @TempDir
  static Path dir;

  private static JsonNode manifest(String out) throws IOException {
    return new ObjectMapper().readTree(new File(out, "_manifest.json"));
  }

  private String[] args(String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("diffuse", "-c", CONFIG, "--output", out, "--set", "quality_samples=0"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(new String[0]);
  }

  /** The example config's mixture (conf/jobs/diffuse.yaml). */
  private static GaussianMixture exampleMixture() {
    return GaussianMixture.full(new double[] {0.5, 0.3, 0.2}, new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
  }

  @Test
  void samplesAreTheKernelsWhateverThePartitioningAndBatchSize() throws IOException {
    String a = dir.resolve("a").toString();
    String b = dir.resolve("b").toString();
    assertEquals(0, SampleforgeMain.execute(args(a, "--rows", "60", "--set", "partitions=1")));
    assertEquals(0, SampleforgeMain.execute(args(b, "--rows", "60", "--set", "partitions=3", "--set", "batch_size=7")));
    assertEquals(List.of("id", "sample_index", "x", "y", "nfe", "solver", "model", "seed"),
        Arrays.asList(spark.read().parquet(a).columns()));
    List<Row> ra = spark.read().parquet(a).orderBy("id").collectAsList();
    List<Row> rb = spark.read().parquet(b).orderBy("id").collectAsList();
    assertEquals(ra, rb, "partitioning and batch size change nothing");
    // the kernel by hand: keys xxhash64(id), diffusers' DPM-Solver++ 2M defaults, 20 linspace steps
    List<Row> keys = spark.range(60).select(col("id"), xxhash64(col("id"))).orderBy("id").collectAsList();
    SampleKey[] k = new SampleKey[60];
    for (int i = 0; i < 60; i++) {
      k[i] = new SampleKey(keys.get(i).getLong(1), 0);
    }
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
        DiffusersSpacing.LINSPACE, 20, 0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    SampleBatch expected = solver.sample(new GaussianMixtureDenoiser(exampleMixture(), PredictionType.EPSILON), k,
        new GaussianDraws(42));
    for (int i = 0; i < 60; i++) {
      Row r = ra.get(i);
      assertEquals(i, r.getLong(0));
      assertEquals(0, r.getInt(1));
      assertEquals(expected.row(i)[0], r.getDouble(2), 0.0, "x of id " + i);
      assertEquals(expected.row(i)[1], r.getDouble(3), 0.0, "y of id " + i);
      assertEquals(20, r.getInt(4));
      assertTrue(r.getString(5).startsWith("{\"name\":\"dpmsolver++\",\"steps\":20,\"spacing\":\"linspace\""), r.getString(5));
      assertTrue(r.getString(6).contains("\"type\":\"gmm\""), r.getString(6));
      assertEquals(42L, r.getLong(7));
    }
    assertEquals(20, manifest(a).at("/stats/model_calls").asLong(), "one batch of 60: 20 calls");
    long calls = manifest(b).at("/stats/model_calls").asLong();
    assertTrue(calls >= 9 * 20 && calls <= 11 * 20, "batches of 7 over 3 partitions: " + calls);
  }

  @Test
  void requestTablesExpandByTheirCountsAndStochasticSolversStayKeyed() throws IOException {
    StructType schema = new StructType().add("rid", DataTypes.StringType).add("n", DataTypes.IntegerType);
    String requests = dir.resolve("requests.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create("a", 3), RowFactory.create("b", 0), RowFactory.create("c", 2)),
        schema).repartition(2).write().parquet(requests);
    String one = dir.resolve("req1").toString();
    String two = dir.resolve("req2").toString();
    String[] common = {"--rows", "1", "--set", "rows=null", "--input", requests, "--set", "id_column=rid", "--set",
        "count_column=n", "--set", "solver.name=ddim", "--set", "solver.order=null", "--set", "solver.solver_type=null",
        "--set", "solver.lower_order_final=null", "--set", "solver.euler_at_final=null", "--set", "solver.eta=1.0",
        "--set", "timesteps.final_sigma=null", "--set", "timesteps.steps_offset=null", "--set", "timesteps.spacing=null"};
    List<String> a1 = new ArrayList<>(Arrays.asList(args(one)));
    a1.addAll(Arrays.asList(common).subList(2, common.length));
    a1.addAll(List.of("--set", "partitions=1"));
    List<String> a2 = new ArrayList<>(Arrays.asList(args(two)));
    a2.addAll(Arrays.asList(common).subList(2, common.length));
    a2.addAll(List.of("--set", "partitions=4", "--set", "batch_size=1"));
    assertEquals(0, SampleforgeMain.execute(a1.toArray(new String[0])));
    assertEquals(0, SampleforgeMain.execute(a2.toArray(new String[0])));
    List<Row> r1 = spark.read().parquet(one).orderBy("rid", "sample_index").collectAsList();
    List<Row> r2 = spark.read().parquet(two).orderBy("rid", "sample_index").collectAsList();
    assertEquals(DataTypes.StringType, spark.read().parquet(one).schema().apply("rid").dataType());
    assertEquals(List.of("a:0", "a:1", "a:2", "c:0", "c:1"), r1.stream().map(r -> r.getString(0) + ":" + r.getInt(1)).toList());
    assertEquals(r1, r2, "DDIM eta 1 draws its step noise by key: the same samples for any partitioning and batch");
    assertTrue(r1.get(0).getString(5).contains("\"eta\":1.0"), r1.get(0).getString(5));
    assertFalse(r1.get(0).getDouble(2) == r1.get(1).getDouble(2), "two samples of one request differ");
  }

  /**
   * Dynamic thresholding (sample_max_value 1.5, so the example's x0 of norm above 1.5 is rescaled) and
   * the TS-DPM time shift reach the executors: the rows equal DPM-Solver++ with thresholding around the
   * time-shifted exact denoiser, by hand; with solver.name dpmsolver the rows equal TS-DPM's DPM-Solver variant
   * (TimeShiftedDpmSolver); keys of another solver or a continuous schedule exit 2.
   */
  @Test
  void thresholdingAndTheTimeShiftAreTheKernels() throws IOException {
    String out = dir.resolve("thresholded").toString();
    assertEquals(0, SampleforgeMain.execute(args(out, "--rows", "30", "--set", "solver.thresholding=true", "--set",
        "solver.sample_max_value=1.5", "--set", "time_shift.window=10", "--set", "time_shift.cutoff=300",
        "--set", "batch_size=11")));
    List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
    List<Row> keys = spark.range(30).select(col("id"), xxhash64(col("id"))).orderBy("id").collectAsList();
    SampleKey[] k = new SampleKey[30];
    for (int i = 0; i < 30; i++) {
      k[i] = new SampleKey(keys.get(i).getLong(1), 0);
    }
    DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, 20, 0,
        FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS.withThresholding(
            io.sampleforge.diffusion.continuous.DynamicThresholding.on(0.995, 1.5)));
    io.sampleforge.diffusion.continuous.Denoiser shifted = new io.sampleforge.diffusion.continuous.TimeShiftDenoiser(
        new GaussianMixtureDenoiser(exampleMixture(), PredictionType.EPSILON), schedule,
        new io.sampleforge.diffusion.continuous.TimeShiftSettings(10, 300));
    SampleBatch expected = solver.sample(shifted, k, new GaussianDraws(42));
    SampleBatch plain = new DpmSolverPlusPlus(TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, 20, 0,
        FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS).sample(new GaussianMixtureDenoiser(exampleMixture(),
        PredictionType.EPSILON), k, new GaussianDraws(42));
    double moved = 0;
    for (int i = 0; i < 30; i++) {
      assertEquals(expected.row(i)[0], rows.get(i).getDouble(2), 0.0, "x of id " + i);
      assertEquals(expected.row(i)[1], rows.get(i).getDouble(3), 0.0, "y of id " + i);
      moved = Math.max(moved, Math.abs(plain.row(i)[0] - rows.get(i).getDouble(2)));
    }
    assertTrue(moved > 0.1, "thresholding at 1.5 changes the example's samples: " + moved);
    String solverJson = rows.get(0).getString(5);
    assertTrue(solverJson.contains("\"thresholding\":true") && solverJson.contains("\"sample_max_value\":1.5")
        && solverJson.contains("\"time_shift\":{\"window\":10,\"cutoff\":300}"), solverJson);
    // under the noise-prediction DPM-Solver the time shift is TS-DPM's DPM-Solver variant (the targets move too)
    String dpm = dir.resolve("ts-dpmsolver").toString();
    assertEquals(0, SampleforgeMain.execute(args(dpm, "--rows", "30", "--set", "solver.name=dpmsolver", "--set",
        "timesteps.final_sigma=sigma_min", "--set", "time_shift.window=10", "--set", "time_shift.cutoff=300",
        "--set", "batch_size=11")));
    List<Row> dpmRows = spark.read().parquet(dpm).orderBy("id").collectAsList();
    SampleBatch variant = new io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver(TimeGrid.diffusers(schedule,
        DiffusersSpacing.LINSPACE, 20, 0, FinalSigma.SIGMA_MIN), DpmSolverSettings.DIFFUSERS, schedule,
        new io.sampleforge.diffusion.continuous.TimeShiftSettings(10, 300)).sample(new GaussianMixtureDenoiser(
            exampleMixture(), PredictionType.EPSILON), k, new GaussianDraws(42));
    for (int i = 0; i < 30; i++) {
      assertEquals(variant.row(i)[0], dpmRows.get(i).getDouble(2), 0.0, "dpmsolver time shift: x of id " + i);
      assertEquals(variant.row(i)[1], dpmRows.get(i).getDouble(3), 0.0, "dpmsolver time shift: y of id " + i);
    }
    assertTrue(dpmRows.get(0).getString(5).contains("\"time_shift\":{\"window\":10,\"cutoff\":300,\"variant\":"
        + "\"dpm_solver\"}"), dpmRows.get(0).getString(5));

    Cli c = Cli.run(args(dir.resolve("bad-t").toString(), "--rows", "5", "--set", "solver.name=euler", "--set",
        "solver.order=null", "--set", "solver.solver_type=null", "--set", "solver.lower_order_final=null", "--set",
        "solver.euler_at_final=null", "--set", "timesteps.spacing=null", "--set", "timesteps.steps_offset=null",
        "--set", "solver.thresholding=true"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'solver.thresholding' does not apply to solver.name euler"), c.err());
    c = Cli.run(args(dir.resolve("bad-t").toString(), "--rows", "5", "--set", "solver.sample_max_value=2"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'solver.sample_max_value/solver.thresholding' applies only with"), c.err());
    c = Cli.run(args(dir.resolve("bad-t").toString(), "--rows", "5", "--set", "time_shift.window=10"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'time_shift.window/time_shift.cutoff' are both required"), c.err());
  }

  /**
   * The native VE / EDM schedule (schedule.type edm, Karras sigmas from 80 to 0.002): the exact mixture
   * sampled by DPM-Solver++ on it equals the kernel built from the same SolverSpec, and the manifest's
   * 500 samples are indistinguishable from exact draws; VP keys with edm exit 2.
   */
  @Test
  void anEdmScheduleSamplesTheMixture() throws IOException {
    String out = dir.resolve("edm").toString();
    String[] edm = {"--rows", "500", "--set", "schedule.type=edm", "--set", "schedule.beta_schedule=null", "--set",
        "schedule.num_train_timesteps=null", "--set", "schedule.beta_start=null", "--set", "schedule.beta_end=null",
        "--set", "timesteps.spacing=karras", "--set", "timesteps.steps_offset=null", "--set", "quality_samples=500"};
    assertEquals(0, SampleforgeMain.execute(args(out, edm)));
    JsonNode m = manifest(out);
    assertTrue(m.at("/solver/schedule").asText().startsWith("edm"), m.at("/solver").toString());
    assertFalse(m.at("/stats/quality/indistinguishable_at_level").isNull(), m.at("/stats/quality").toString());
    List<Row> rows = spark.read().parquet(out).orderBy("id").limit(20).collectAsList();
    List<Row> keys = spark.range(20).select(col("id"), xxhash64(col("id"))).orderBy("id").collectAsList();
    SampleKey[] k = new SampleKey[20];
    for (int i = 0; i < 20; i++) {
      k[i] = new SampleKey(keys.get(i).getLong(1), 0);
    }
    io.sampleforge.diffusion.continuous.SolverSpec spec = new io.sampleforge.diffusion.continuous.SolverSpec(
        io.sampleforge.diffusion.continuous.ScheduleSpec.EDM, io.sampleforge.diffusion.continuous.TimestepSpacing.KARRAS,
        FinalSigma.ZERO, 0, io.sampleforge.diffusion.continuous.SolverKind.DPMSOLVER_PLUS_PLUS, 20,
        DpmSolverSettings.DIFFUSERS);
    SampleBatch expected = spec.build().sample(new GaussianMixtureDenoiser(exampleMixture(), PredictionType.EPSILON), k,
        new GaussianDraws(42));
    for (int i = 0; i < 20; i++) {
      assertEquals(expected.row(i)[0], rows.get(i).getDouble(2), 0.0, "x of id " + i);
      assertEquals(expected.row(i)[1], rows.get(i).getDouble(3), 0.0, "y of id " + i);
    }
    Cli c = Cli.run(args(dir.resolve("edm-bad").toString(), "--rows", "5", "--set", "schedule.type=edm"));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'schedule.beta_schedule/schedule.type' applies to schedule.type discrete only"), c.err());
  }

  @Test
  void badRequestsExitThreeAndBadConfigsExitTwo() throws IOException {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("samples", DataTypes.IntegerType);
    String negative = dir.resolve("negative.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, 2), RowFactory.create(2L, -1)), schema).write().parquet(negative);
    String repeated = dir.resolve("repeated.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, 2), RowFactory.create(1L, 1)), schema).write().parquet(repeated);
    String nullId = dir.resolve("null.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(null, 2)), schema).write().parquet(nullId);
    String out = dir.resolve("bad").toString();
    String[] table = {"--set", "rows=null", "--set", "count_column=samples"};
    Cli c = run(out, negative, table);
    assertEquals(3, c.code());
    assertTrue(c.err().contains("'samples'") && c.err().contains("id 2 has -1"), c.err());
    c = run(out, repeated, table);
    assertEquals(3, c.code());
    assertTrue(c.err().contains("must be unique"), c.err());
    c = run(out, nullId, table);
    assertEquals(3, c.code());
    assertTrue(c.err().contains("must not be null"), c.err());
    c = run(out, negative, new String[] {"--set", "rows=null", "--set", "count_column=count"});
    assertEquals(3, c.code());
    assertTrue(c.err().contains("'count'") && c.err().contains("must exist"), c.err());
    assertFalse(new File(out).exists(), "nothing written");

    String[][] configs = {
        {"solver.name=unipc-x", "'solver.name' must be one of [ddim, dpmsolver++, sde-dpmsolver++, dpmsolver++-singlestep, unipc, deis, euler, heun, dpmsolver"},
        {"solver.eta=0.5", "'solver.eta' does not apply to solver.name dpmsolver++"},
        {"solver.order=3", "'steps' must be >= solver_order (3); got 2"},
        {"schedule.type=linear", "'schedule.beta_schedule/schedule.type' applies to schedule.type discrete only"},
        {"model.variances=[[1,1],[1,1],[1,1]]", "give exactly one of model.covariances"},
        {"model.weights=[0.5,0.5]", "'model.weights/model.means' must have one mean per weight (2); got 3"},
        {"input=x.parquet", "give exactly one of rows"},
    };
    for (String[] cfg : configs) {
      c = Cli.run(args(out, "--rows", "5", "--set", "steps=2", "--set", cfg[0]));
      assertEquals(2, c.code(), cfg[0]);
      assertTrue(c.err().contains(cfg[1]), cfg[0] + " -> " + c.err());
    }
    c = Cli.run(args(out, "--rows", "5", "--set", "solver.order=null", "--set", "solver.solver_type=null",
        "--set", "solver.lower_order_final=null", "--set", "solver.euler_at_final=null", "--set", "schedule.type=linear",
        "--set", "schedule.beta_schedule=null", "--set", "schedule.num_train_timesteps=null",
        "--set", "schedule.beta_start=null", "--set", "schedule.beta_end=null", "--set", "timesteps.final_sigma=null",
        "--set", "timesteps.steps_offset=null"));
    assertEquals(2, c.code());
    assertTrue(c.err().contains("'timesteps.spacing' 'linspace' needs the training timesteps of a discrete schedule"),
        c.err());
  }

  private Cli run(String out, String input, String[] extra) {
    List<String> a = new ArrayList<>(Arrays.asList(args(out, "--input", input)));
    a.addAll(Arrays.asList(extra));
    return Cli.run(a.toArray(new String[0]));
  }

  @Test
  void aModelThatReturnsNanFailsWithTheRequestNamedAndWritesNothing() {
    String out = dir.resolve("nan").toString();
    // means of 1e200: every component's log-density overflows to -infinity, the responsibilities are NaN
    Cli c = Cli.run(args(out, "--rows", "4", "--set", "model.weights=[0.5,0.5]", "--set",
        "model.means=[[1e200,0],[-1e200,0]]", "--set", "model.covariances=null", "--set",
        "model.variances=[[1,1],[1,1]]"));
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'model' must return finite predictions") && c.err().contains("for request id "),
        c.err());
    assertFalse(new File(out).exists(), "nothing written");
  }

  /**
   * gmm-fit on 1,500 rows of a known mixture (columns in very different units): the fit and the
   * samples are the same whether the table is one file or four; 500 samples pass an MMD test
   * against 500 held-out rows, and the same test rejects a moment-matched Gaussian (power check).
   */
  @Test
  void anMllibFitOfATableIsDeterministicAndItsSamplesMatchHeldOutRows() throws IOException {
    GaussianMixture truth = exampleMixture();
    SampleKey[] keys = new SampleKey[2000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[] z = new GaussianDraws(7).exactSamples(truth, keys);
    double[] scale = {100.0, 0.01};
    double[] shift = {5000.0, -3.0};
    List<Row> train = new ArrayList<>();
    double[] heldOut = new double[500 * 2];
    for (int i = 0; i < 2000; i++) {
      double u = shift[0] + scale[0] * z[2 * i];
      double v = shift[1] + scale[1] * z[2 * i + 1];
      if (i < 1500) {
        train.add(RowFactory.create(u, v, "r" + i));
      } else {
        heldOut[2 * (i - 1500)] = z[2 * i];
        heldOut[2 * (i - 1500) + 1] = z[2 * i + 1];
      }
    }
    StructType schema = new StructType().add("income", DataTypes.DoubleType).add("rate", DataTypes.DoubleType)
        .add("name", DataTypes.StringType);
    String oneFile = dir.resolve("fit1.parquet").toString();
    String fourFiles = dir.resolve("fit4.parquet").toString();
    spark.createDataFrame(train, schema).coalesce(1).write().parquet(oneFile);
    spark.createDataFrame(train, schema).repartition(4).write().parquet(fourFiles);
    String a = dir.resolve("fit-a").toString();
    String[] fit = {"--rows", "500", "--set", "model.type=gmm-fit", "--set", "model.columns=[income,rate]",
        "--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
        "--set", "model.components=3", "--set", "quality_samples=100"};
    List<String> aa = new ArrayList<>(Arrays.asList(args(a, fit)));
    aa.addAll(List.of("--set", "model.table=" + fourFiles, "--set", "model.max_iter=12"));
    assertEquals(0, SampleforgeMain.execute(aa.toArray(new String[0])));
    List<Row> ra = spark.read().parquet(a).orderBy("id").collectAsList();
    // determinism across input layouts (3 EM iterations are enough to show it, and cheap)
    String b = dir.resolve("fit-b").toString();
    String c = dir.resolve("fit-c").toString();
    List<String> bb = new ArrayList<>(Arrays.asList(args(b, fit)));
    bb.addAll(List.of("--set", "model.table=" + oneFile, "--set", "model.max_iter=3", "--set", "rows=50"));
    List<String> cc = new ArrayList<>(Arrays.asList(args(c, fit)));
    cc.addAll(List.of("--set", "model.table=" + fourFiles, "--set", "model.max_iter=3", "--set", "rows=50",
        "--set", "partitions=3"));
    assertEquals(0, SampleforgeMain.execute(bb.toArray(new String[0])));
    assertEquals(0, SampleforgeMain.execute(cc.toArray(new String[0])));
    List<Row> rb = spark.read().parquet(b).orderBy("id").collectAsList();
    List<Row> rc = spark.read().parquet(c).orderBy("id").collectAsList();
    assertEquals(rb.stream().map(r -> r.getString(6).replace(oneFile, fourFiles)).distinct().toList(),
        rc.stream().map(r -> r.getString(6)).distinct().toList(), "the same fit from one file or four");
    for (int i = 0; i < rb.size(); i++) {
      assertEquals(rb.get(i).getDouble(2), rc.get(i).getDouble(2), 0.0);
      assertEquals(rb.get(i).getDouble(3), rc.get(i).getDouble(3), 0.0);
    }
    JsonNode m = manifest(a);
    assertEquals("gmm-fit", m.at("/model/type").asText());
    assertEquals("standardised columns", m.at("/stats/quality/space").asText());
    double[] samples = new double[1000];
    for (int i = 0; i < 500; i++) {
      samples[2 * i] = (ra.get(i).getDouble(2) - shift[0]) / scale[0];
      samples[2 * i + 1] = (ra.get(i).getDouble(3) - shift[1]) / scale[1];
    }
    SampleDistance.MmdTest same = SampleDistance.mmd(samples, heldOut, 2, 200, 0.01, 11);
    assertFalse(same.rejects(), "samples v held-out rows: " + same);
    // power: a Gaussian with the held-out rows' mean and covariance
    double[] gaussian = momentMatched(heldOut);
    SampleDistance.MmdTest wrong = SampleDistance.mmd(gaussian, heldOut, 2, 200, 0.01, 11);
    assertTrue(wrong.rejects(), "a moment-matched Gaussian v held-out rows: " + wrong);
  }

  static double[] momentMatched(double[] rows) {
    int n = rows.length / 2;
    double[] mean = new double[2];
    for (int i = 0; i < n; i++) {
      mean[0] += rows[2 * i] / n;
      mean[1] += rows[2 * i + 1] / n;
    }
    double[][] cov = new double[2][2];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 2; p++) {
        for (int q = 0; q < 2; q++) {
          cov[p][q] += (rows[2 * i + p] - mean[p]) * (rows[2 * i + q] - mean[q]) / n;
        }
      }
    }
    GaussianMixture g = GaussianMixture.full(new double[] {1.0}, new double[][] {mean}, new double[][][] {cov});
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(100_000 + i, 0);
    }
    return new GaussianDraws(13).exactSamples(g, keys);
  }

  /**
   * An exported denoiser (the gauss_mlp fixture, TorchScript and ONNX) under UniPC: the job's samples
   * are the kernel's with the same DJL model, the two formats agree to float32 rounding, and a shape
   * that does not fit the model is exit 2 naming model.shape.
   */
  @Test
  void anExportedDenoiserSamplesAsTheKernelInBothFormats() throws IOException {
    Path mlp = Path.of("../pipeline-core/src/test/resources/model/gauss_mlp").toAbsolutePath();
    String[] exported = {"--rows", "24", "--set", "model.weights=null", "--set", "model.means=null", "--set",
        "model.covariances=null", "--set", "model.shape=[2]", "--set", "steps=8", "--set", "solver.name=unipc",
        "--set", "solver.solver_type=null", "--set", "solver.euler_at_final=null"};
    String ts = dir.resolve("ts").toString();
    String onnx = dir.resolve("onnx").toString();
    List<String> a = new ArrayList<>(Arrays.asList(args(ts, exported)));
    a.addAll(List.of("--set", "model.type=torchscript", "--set", "model.path=" + mlp.resolve("model.pt")));
    List<String> b = new ArrayList<>(Arrays.asList(args(onnx, exported)));
    b.addAll(List.of("--set", "model.type=onnx", "--set", "model.path=" + mlp.resolve("model.onnx"), "--set",
        "batch_size=5"));
    assertEquals(0, SampleforgeMain.execute(a.toArray(new String[0])));
    assertEquals(0, SampleforgeMain.execute(b.toArray(new String[0])));
    List<Row> rt = spark.read().parquet(ts).orderBy("id").collectAsList();
    List<Row> ro = spark.read().parquet(onnx).orderBy("id").collectAsList();
    List<Row> keys = spark.range(24).select(col("id"), xxhash64(col("id"))).orderBy("id").collectAsList();
    SampleKey[] k = new SampleKey[24];
    for (int i = 0; i < 24; i++) {
      k[i] = new SampleKey(keys.get(i).getLong(1), 0);
    }
    io.sampleforge.diffusion.continuous.UniPc solver = new io.sampleforge.diffusion.continuous.UniPc(
        TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 8, 0, FinalSigma.ZERO),
        io.sampleforge.diffusion.continuous.UniPcSettings.DIFFUSERS);
    SampleBatch expected;
    try (io.sampleforge.model.ExportedGaussianDenoiser model = io.sampleforge.model.ExportedGaussianDenoiser.load(
        io.sampleforge.model.ModelFormat.TORCHSCRIPT, mlp.resolve("model.pt"), io.sampleforge.model.RowShape.of(2),
        PredictionType.EPSILON, ai.djl.Device.cpu())) {
      expected = solver.sample(model, k, new GaussianDraws(42));
    }
    for (int i = 0; i < 24; i++) {
      assertEquals(expected.row(i)[0], rt.get(i).getDouble(2), 1e-6, "x of id " + i);
      assertEquals(expected.row(i)[1], rt.get(i).getDouble(3), 1e-6, "y of id " + i);
      assertEquals(rt.get(i).getDouble(2), ro.get(i).getDouble(2), 1e-4, "onnx x of id " + i);
      assertEquals(rt.get(i).getDouble(3), ro.get(i).getDouble(3), 1e-4, "onnx y of id " + i);
      assertEquals(8, rt.get(i).getInt(4));
    }
    assertTrue(rt.get(0).getString(6).contains("\"type\":\"torchscript\""), rt.get(0).getString(6));
    assertEquals("unipc", manifest(ts).at("/solver/name").asText());
    List<String> wrong = new ArrayList<>(a);
    wrong.set(wrong.indexOf("--output") + 1, dir.resolve("ts-wrong").toString());
    wrong.addAll(List.of("--set", "model.shape=[3]", "--set", "model.columns=null"));
    Cli c = Cli.run(wrong.toArray(new String[0]));
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'model.shape'"), c.err());
  }

  @Test
  void theExampleConfigRunsAndItsManifestComparesWithExactDraws() throws IOException {
    String out = dir.resolve("example").toString();
    assertEquals(0, SampleforgeMain.execute("diffuse", "-c", CONFIG, "--output", out, "--rows", "600",
        "--set", "quality_samples=400"));
    JsonNode m = manifest(out);
    assertEquals(600, m.at("/stats/samples").asLong());
    assertEquals(20, m.at("/stats/nfe_per_sample").asInt());
    assertEquals(400, m.at("/stats/quality/samples").asInt());
    assertTrue(m.at("/stats/quality/mmd2").asDouble() < m.at("/stats/quality/mmd2_threshold").asDouble(),
        m.at("/stats/quality").toString());
    assertTrue(Files.exists(Path.of(out, "_SUCCESS")) || Files.exists(Path.of(out, "_manifest.json")));
  }

  /**
   * {@code train-denoiser} then {@code diffuse} with {@code model.type: trained}: the job trains on 2,000
   * rows of a known 2-D mixture (columns in different units; the loss falls), and diffuse's samples equal
   * the kernel's (DPM-Solver++ with {@code TrainedDenoiser} by hand, mapped back by the folder's
   * standardisation); the model folder is the same (parameter SHA-256) whether the table is one file or
   * three; a schedule that is not the model's, a missing column and a NaN are refused with their exit
   * codes. The samples' law against held-out rows is {@code TrainedDenoiserTest}'s (pipeline-core).
   */
  @Test
  void aTrainedModelSamplesTheTableAndIsDeterministic() throws IOException {
    GaussianMixture truth = GaussianMixture.full(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
    SampleKey[] keys = new SampleKey[2500];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[] z = new GaussianDraws(3).exactSamples(truth, keys);
    List<Row> train = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      if (i < 2000) {
        train.add(RowFactory.create(1000.0 + 50.0 * z[2 * i], 0.1 * z[2 * i + 1]));
      }
    }
    StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
    String three = dir.resolve("t3.parquet").toString();
    String one = dir.resolve("t1.parquet").toString();
    spark.createDataFrame(train, schema).repartition(3).write().parquet(three);
    spark.createDataFrame(train, schema).coalesce(1).write().parquet(one);
    String model = dir.resolve("model").toString();
    assertEquals(0, SampleforgeMain.execute("train-denoiser", "-c", TRAIN, "--input", three, "--output", model,
        "--set", "columns=[a,b]", "--set", "epochs=4", "--set", "batch_size=128", "--set", "hidden_width=64"));
    JsonNode m = manifest(model);
    assertEquals(2000, m.at("/stats/rows").asLong());
    assertTrue(m.at("/stats/loss_last_epoch").asDouble() < m.at("/stats/loss_first_epoch").asDouble(), m.toString());
    assertTrue(Files.exists(Path.of(model, "model", "denoiser.json")));

    // diffuse with the folder: the kernel's samples, mapped back to the table's units
    String samples = dir.resolve("samples").toString();
    assertEquals(0, SampleforgeMain.execute("diffuse", "-c", CONFIG, "--output", samples, "--rows", "40",
        "--set", "model.type=trained", "--set", "model.dir=" + model + "/model", "--set", "model.columns=null",
        "--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
        "--set", "batch_size=16"));
    List<Row> rows = spark.read().parquet(samples).orderBy("id").collectAsList();
    assertEquals(List.of("id", "sample_index", "a", "b", "nfe", "solver", "model", "seed"),
        List.of(spark.read().parquet(samples).columns()));
    List<Row> ids = spark.range(40).select(org.apache.spark.sql.functions.col("id"),
        org.apache.spark.sql.functions.xxhash64(org.apache.spark.sql.functions.col("id"))).orderBy("id").collectAsList();
    SampleKey[] k = new SampleKey[40];
    for (int i = 0; i < 40; i++) {
      k[i] = new SampleKey(ids.get(i).getLong(1), 0);
    }
    double[] expected;
    io.sampleforge.diffusion.training.Standardisation st;
    try (io.sampleforge.diffusion.training.TrainedDenoiser t = io.sampleforge.diffusion.training.TrainedDenoiser.open(
        Path.of(model, "model"))) {
      expected = new io.sampleforge.diffusion.continuous.DpmSolverPlusPlus(
          io.sampleforge.diffusion.continuous.TimeGrid.diffusers(t.schedule(),
              io.sampleforge.diffusion.continuous.DiffusersSpacing.LINSPACE, 20, 0,
              io.sampleforge.diffusion.continuous.FinalSigma.ZERO),
          io.sampleforge.diffusion.continuous.DpmSolverSettings.DIFFUSERS).sample(t, k, new GaussianDraws(42)).samples();
      st = t.standardisation();
    }
    double[][] data = st.toData(expected);
    for (int i = 0; i < 40; i++) {
      assertEquals(data[i][0], rows.get(i).getDouble(2), 1e-6 * Math.max(1, Math.abs(data[i][0])), "a of id " + i);
      assertEquals(data[i][1], rows.get(i).getDouble(3), 1e-6, "b of id " + i);
    }
    assertTrue(rows.get(0).getString(6).contains("\"type\":\"trained\""), rows.get(0).getString(6));

    // determinism across layouts (one epoch is enough to show it)
    String a = dir.resolve("d1").toString();
    String b = dir.resolve("d3").toString();
    assertEquals(0, SampleforgeMain.execute("train-denoiser", "-c", TRAIN, "--input", one, "--output", a,
        "--set", "columns=[a,b]", "--set", "epochs=1", "--set", "hidden_width=32"));
    assertEquals(0, SampleforgeMain.execute("train-denoiser", "-c", TRAIN, "--input", three, "--output", b,
        "--set", "columns=[a,b]", "--set", "epochs=1", "--set", "hidden_width=32"));
    assertEquals(manifest(a).at("/stats/parameters_sha256").asText(),
        manifest(b).at("/stats/parameters_sha256").asText());

    // a schedule other than the model's; a missing column; a NaN
    Cli c = Cli.run("diffuse", "-c", CONFIG, "--output", dir.resolve("bad").toString(), "--rows", "5",
        "--set", "model.type=trained", "--set", "model.dir=" + model + "/model", "--set", "model.columns=null",
        "--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
        "--set", "schedule.beta_end=0.03");
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'schedule' must be the schedule the model in model.dir was trained under"), c.err());
    c = Cli.run("train-denoiser", "-c", TRAIN, "--input", one, "--output", dir.resolve("bad2").toString(),
        "--set", "columns=[a,c]");
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'c'") && c.err().contains("must exist"), c.err());
    String nan = dir.resolve("nan.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1.0, Double.NaN), RowFactory.create(2.0, 1.0)), schema).write()
        .parquet(nan);
    c = Cli.run("train-denoiser", "-c", TRAIN, "--input", nan, "--output", dir.resolve("bad3").toString(),
        "--set", "columns=[a,b]");
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'b'") && c.err().contains("finite"), c.err());
    assertFalse(new File(dir.resolve("bad3").toString()).exists());
  }
}
