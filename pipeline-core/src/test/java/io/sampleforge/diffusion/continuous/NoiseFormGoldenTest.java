package io.sampleforge.diffusion.continuous;

import static io.sampleforge.diffusion.continuous.Goldens.num;
import static io.sampleforge.diffusion.continuous.Goldens.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of two noise-prediction solvers from diffusers' own scheduler code, run in float64 behind
 * stubs by {@code src/test/resources/continuous/make_noise_form_golden.py}: {@code UniPCMultistepScheduler(
 * predict_x0=False)} (orders 1-3, bh1 / bh2, {@code lower_order_final} off, {@code disable_corrector}, the three
 * spacings, eps / v / sample, 2 to 25 steps) and {@code DPMSolverMultistepScheduler(algorithm_type="sde-dpmsolver")}
 * (orders 1 and 2, midpoint / heun, {@code lower_order_final} off, {@code euler_at_final}, {@code
 * lambda_min_clipped}, the reference's step noise replayed). Both end at {@code sigma_min} (diffusers' noise-form
 * UniPC returns NaN on a grid ending at 0, which the script checks; sde-dpmsolver refuses it). Each case is built
 * through {@link SolverSpec}, as the {@code diffuse} job builds it, and asserts the grid (sigmas 1e-9 relative,
 * timesteps exactly), the model calls and the samples to 1e-5. Also: each case ends more than 1e-3 from the
 * data-prediction solver on the same grid (so the goldens tell the forms apart), the noise-form UniPC on a clean
 * grid returns the x0 of its last call, the refusals, and the data forms are bit for bit the previous code.
 */
class NoiseFormGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("noise_form_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static ScheduleSpec schedule(String beta) {
    BetaSchedule b = BetaSchedule.parse("beta_schedule", beta);
    boolean scaled = b == BetaSchedule.SCALED_LINEAR;
    return new ScheduleSpec(ScheduleSpec.Kind.DISCRETE, b, 1000, scaled ? 0.00085 : 1e-4, scaled ? 0.012 : 0.02,
        0.1, 20.0);
  }

  /** The case's spec; {@code noiseForm} false gives the data-prediction solver on the same grid. */
  static SolverSpec spec(JsonNode c, boolean noiseForm) {
    JsonNode cfg = c.get("config");
    boolean unipc = c.get("scheduler").asText().equals("unipc");
    int order = (int) num(cfg, "solver_order", 2);
    boolean lof = !cfg.has("lower_order_final") || cfg.get("lower_order_final").asBoolean();
    java.io.Serializable settings;
    SolverKind kind;
    if (unipc) {
      List<Integer> disabled = new ArrayList<>();
      cfg.path("disable_corrector").forEach(n -> disabled.add(n.asInt()));
      settings = new UniPcSettings(order, UniPcSettings.Variant.parse("solver_type", text(cfg, "solver_type", "bh2")),
          lof, disabled).withPredictX0(!noiseForm);
      kind = SolverKind.UNIPC;
    } else {
      settings = new SdeDpmSolverSettings(order, DpmSolverSettings.SolverType.parse("solver_type",
          text(cfg, "solver_type", "midpoint")), lof, cfg.has("euler_at_final") && cfg.get("euler_at_final").asBoolean());
      kind = noiseForm ? SolverKind.SDE_DPMSOLVER : SolverKind.SDE_DPMSOLVER_PLUS_PLUS;
    }
    return new SolverSpec(schedule(c.get("beta_schedule").asText()), TimestepSpacing.parse("timestep_spacing",
        text(cfg, "timestep_spacing", "linspace")), FinalSigma.parse("final_sigmas_type", text(cfg,
        "final_sigmas_type", "zero")), (int) num(cfg, "steps_offset", 0), kind, c.get("steps").asInt(), settings,
        num(cfg, "lambda_min_clipped", Double.NEGATIVE_INFINITY));
  }

  private static SampleBatch run(GaussianSolver solver, JsonNode c, Denoiser model) {
    if (solver instanceof SdeDpmSolverPlusPlus sde) {
      JsonNode noise = c.get("noise");
      return sde.run(model, GOLDEN.xT(), GOLDEN.rows(), (step, z) -> {
        double[] m = Goldens.flat(noise.get(step));
        System.arraycopy(m, 0, z, 0, m.length);
      });
    }
    return GOLDEN.run(solver, model);
  }

  private static Denoiser model(JsonNode c) {
    return GOLDEN.model(PredictionType.parse("prediction_type", text(c.get("config"), "prediction_type", "epsilon")));
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesDiffusers(JsonNode c) {
    String label = c.get("scheduler").asText() + " " + c.get("beta_schedule").asText() + " " + c.get("config")
        + " steps " + c.get("steps").asInt();
    SolverSpec spec = spec(c, true);
    TimeGrid grid = spec.timeGrid();
    double[] sigmas = Goldens.vector(c.get("sigmas"));
    double[] times = Goldens.vector(c.get("timesteps"));
    assertEquals(sigmas.length - 1, grid.steps(), label + ": steps");
    for (int i = 0; i < sigmas.length; i++) {
      assertEquals(sigmas[i], EdmSolver.veSigma(grid.level(i)), 1e-9 * Math.max(1, sigmas[i]), label + ": sigma " + i);
      if (i < times.length) {
        assertEquals(times[i], grid.level(i).modelTime(), 0.0, label + ": timestep " + i);
      }
    }
    Denoiser model = model(c);
    GaussianSolver solver = spec.build();
    SampleBatch out = run(solver, c, model);
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    assertEquals(solver.modelCalls(), out.modelCalls(), label + ": declared model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
    if (c.get("steps").asInt() > 2) { // two first-order steps: UniPC's forms agree there up to the corrector
      double[] data = run(spec(c, false).build(), c, model).samples();
      double gap = 0;
      for (int j = 0; j < data.length; j++) {
        gap = Math.max(gap, Math.abs(data[j] - out.samples()[j]));
      }
      assertTrue(gap > 1e-3, label + ": the data-prediction form ends only " + gap + " away");
    }
  }

  @Test
  void noiseFormUniPcOnACleanGridReturnsTheLastCallsX0() {
    assertTrue(GOLDEN.doc().get("zero_final_sigma_gives_nan").asBoolean(), "diffusers' NaN at sigma 0 was checked");
    for (PredictionType type : PredictionType.values()) {
      for (int order = 1; order <= 3; order++) {
        // step 6's result is not corrected, so the last call is made at the state the last step starts from
        UniPc solver = new UniPc(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 8, 0,
            FinalSigma.ZERO), new UniPcSettings(order, UniPcSettings.Variant.BH2, true, List.of(6)).withPredictX0(false));
        Denoiser model = GOLDEN.model(type);
        double[][] states = solver.trajectory(model, GOLDEN.xT(), GOLDEN.keys());
        double[] x = states[7];
        double[] x0 = new double[x.length];
        ModelEvaluation.call(model, x, GOLDEN.rows(), solver.grid().level(7), 7, x0, null);
        assertArrayEquals(x0, states[8], 1e-12, type + " order " + order);
      }
    }
  }

  @Test
  void undefinedCombinationsAreRefusedNamingTheKey() {
    UniPcSettings noise = UniPcSettings.DIFFUSERS.withPredictX0(false);
    assertRefused("thresholding", "predict_x0", () -> noise.withThresholding(DynamicThresholding.on(0.995, 1.0)));
    assertRefused("dc_ratios", "predict_x0", () -> noise.withCompensation(
        new DynamicCompensation(2, List.of(1.0, 1.0, 0.9, 1.0))));
    SdeDpmSolverSettings third = new SdeDpmSolverSettings(3, DpmSolverSettings.SolverType.MIDPOINT, true, false);
    TimeGrid minGrid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 10, 0,
        FinalSigma.SIGMA_MIN);
    assertRefused("solver_order", "3", () -> new SdeDpmSolverPlusPlus(minGrid, third, DpmAlgorithm.NOISE_PREDICTION));
    assertRefused("final_sigmas_type", "zero", () -> new SdeDpmSolverPlusPlus(TimeGrid.diffusers(
        DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 10, 0, FinalSigma.ZERO),
        SdeDpmSolverSettings.DIFFUSERS, DpmAlgorithm.NOISE_PREDICTION));
    assertRefused("timesteps.spacing", "karras", () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.KARRAS,
        FinalSigma.ZERO, 0, SolverKind.SDE_DPMSOLVER, 10, SdeDpmSolverSettings.DIFFUSERS));
    assertRefused("schedule.rescale_betas_zero_snr", "sde-dpmsolver", () -> new SolverSpec(
        ScheduleSpec.DIFFUSERS.withRescaleBetasZeroSnr(true), TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 0,
        SolverKind.SDE_DPMSOLVER, 10, SdeDpmSolverSettings.DIFFUSERS));
  }

  private static long bits(double[] a) {
    long x = 1;
    for (double d : a) {
      x = 31 * x + Double.doubleToLongBits(d);
    }
    return x;
  }

  /**
   * The data forms (predict_x0 true, sde-dpmsolver++) are bit for bit the code before the noise forms were added:
   * the hashes of the doubleToLongBits of the samples below were recorded by running these same runs on the
   * classes of commit 35d5c81 (its {@code diffusion.continuous} package compiled ahead of this one; OpenJDK 17.0.15,
   * x86_64), and this code gave the same 18. Runs: 50 keyed rows of the 2-D GMM of {@link SolverSpecTest}, diffusers'
   * defaults on linspace 10 steps ending at 0; UniPC-3 bh1 without lower_order_final and with a disabled corrector,
   * DC-Solver's ratios, SDE-DPM-Solver++ 3M heun with euler_at_final, on trailing 12 steps ending at sigma_min;
   * thresholding (ratio 0.9, cap 1.5) where named; for eps, x0 and v models.
   */
  @Test
  void dataFormsAreBitForBitThePreviousCode() {
    GaussianMixture g = GaussianMixture.full(new double[] {0.5, 0.3, 0.2}, new double[][] {{-2.0, 0.0}, {2.0, 0.5},
        {0.0, 2.5}}, new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
    GaussianDraws draws = new GaussianDraws(5);
    SampleKey[] keys = new SampleKey[50];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    DiscreteVpSchedule s = DiscreteVpSchedule.diffusersDefault();
    TimeGrid zero = TimeGrid.diffusers(s, DiffusersSpacing.LINSPACE, 10, 0, FinalSigma.ZERO);
    TimeGrid min = TimeGrid.diffusers(s, DiffusersSpacing.TRAILING, 12, 0, FinalSigma.SIGMA_MIN);
    DynamicThresholding thr = DynamicThresholding.on(0.9, 1.5);
    List<Double> ratios = List.of(1.0, 1.0, 1.0, 0.9, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
    java.util.Map<PredictionType, long[]> expected = java.util.Map.of(
        PredictionType.EPSILON, new long[] {-912832335790698784L, 4483772942506189866L, -6337776031875777971L, -7823463846507403483L, -5679312029222718361L, -3796938521538470285L},
        PredictionType.SAMPLE, new long[] {-8473106964706059283L, -6022110621603872217L, -147004129758625560L, -1070118194217264086L, 8773689074484454211L, 3476330530159397147L},
        PredictionType.V, new long[] {-253178229317730073L, 985087652162910989L, 4955529002427715163L, 4616623067140307432L, 5545736100902883264L, 8822043498932256079L});
    for (PredictionType t : PredictionType.values()) {
      Denoiser m = new GaussianMixtureDenoiser(g, t);
      GaussianSolver[] solvers = {new UniPc(zero, UniPcSettings.DIFFUSERS),
          new UniPc(min, new UniPcSettings(3, UniPcSettings.Variant.BH1, false, List.of(1))),
          new UniPc(zero, UniPcSettings.DIFFUSERS.withThresholding(thr)),
          new UniPc(min, UniPcSettings.DIFFUSERS.withCompensation(new DynamicCompensation(2, ratios))),
          new SdeDpmSolverPlusPlus(zero, SdeDpmSolverSettings.DIFFUSERS),
          new SdeDpmSolverPlusPlus(min, new SdeDpmSolverSettings(3, DpmSolverSettings.SolverType.HEUN, false, true)
              .withThresholding(thr))};
      for (int i = 0; i < solvers.length; i++) {
        assertEquals(expected.get(t)[i], bits(solvers[i].sample(m, keys, draws).samples()), t + " run " + i);
      }
    }
  }

  private static void assertRefused(String key, String mention, org.junit.jupiter.api.function.Executable call) {
    String m = assertThrows(ConfigException.class, call).getMessage();
    assertTrue(m.startsWith("parameter '" + key + "'") && m.contains(mention), m);
  }
}
