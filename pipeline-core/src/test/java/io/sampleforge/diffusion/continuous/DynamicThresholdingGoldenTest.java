package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sampleforge.diffusion.continuous.Goldens.num;
import static io.sampleforge.diffusion.continuous.Goldens.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of diffusers' dynamic thresholding ({@code thresholding=True}, {@code _threshold_sample})
 * in {@code DDIMScheduler}, {@code DPMSolverMultistepScheduler} (dpmsolver++, sde-dpmsolver++ and dpmsolver),
 * {@code UniPCMultistepScheduler} and {@code DEISMultistepScheduler}, made by
 * {@code src/test/resources/continuous/make_threshold_golden.py} (float64, behind stubs) on the exact
 * denoiser of a mixture scaled so that x0 exceeds sample_max_value (1.5 or 2.5): in every case the
 * per-row quantile s falls below 1, between 1 and the maximum, and above it. Per case: the same integer
 * timesteps, model calls and final samples to 1e-5; and the same run without thresholding ends
 * elsewhere (by more than 1e-2), so the cases test the thresholding.
 */
class DynamicThresholdingGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("threshold_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static GaussianSolver solver(String scheduler, JsonNode cfg, int steps, DynamicThresholding th) {
    DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
    int order = (int) num(cfg, "solver_order", 2);
    TimeGrid clean = TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, steps, 0, FinalSigma.ZERO);
    return switch (scheduler) {
      case "ddim" -> new DdimSolver(DdimPlan.diffusers(schedule, DiffusersSpacing.LEADING, steps, 0, true),
          new DdimSettings(0.0, !cfg.has("clip_sample") || cfg.get("clip_sample").asBoolean(), 1.0, th));
      case "dpmsolver++" -> new DpmSolverPlusPlus(clean, new DpmSolverSettings(order,
          DpmSolverSettings.SolverType.parse("solver_type", text(cfg, "solver_type", "midpoint")), true, false,
          DpmSolverSettings.OrderRule.DIFFUSERS, th));
      case "dpmsolver" -> new DpmSolverPlusPlus(TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, steps, 0,
          FinalSigma.SIGMA_MIN), new DpmSolverSettings(order, DpmSolverSettings.SolverType.parse("solver_type",
          text(cfg, "solver_type", "midpoint")), true, false, DpmSolverSettings.OrderRule.DIFFUSERS, th),
          DpmAlgorithm.NOISE_PREDICTION);
      case "sde-dpmsolver++" -> new SdeDpmSolverPlusPlus(clean,
          new SdeDpmSolverSettings(order, DpmSolverSettings.SolverType.MIDPOINT, true, false, th));
      case "unipc" -> new UniPc(clean, new UniPcSettings(order, UniPcSettings.Variant.BH2, true, List.of(), th));
      case "deis" -> new Deis(TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, steps, 0, FinalSigma.SIGMA_MIN),
          new DeisSettings(order, DeisSettings.Algorithm.DEIS, DeisSettings.Solver.LOGRHO, true, th));
      default -> throw new IllegalArgumentException(scheduler);
    };
  }

  private static double[] run(GaussianSolver solver, JsonNode c, Denoiser model) {
    if (solver instanceof SdeDpmSolverPlusPlus sde) {
      JsonNode noise = c.get("noise");
      return sde.run(model, GOLDEN.xT(), GOLDEN.rows(), (step, z) -> {
        double[] m = Goldens.flat(noise.get(step));
        System.arraycopy(m, 0, z, 0, m.length);
      }).samples();
    }
    SampleBatch out = GOLDEN.run(solver, model);
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), "model calls");
    return out.samples();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesDiffusers(JsonNode c) {
    String scheduler = c.get("scheduler").asText();
    JsonNode cfg = c.get("config");
    int steps = c.get("steps").asInt();
    String label = scheduler + " " + cfg + " steps " + steps;
    int[] ts = scheduler.equals("ddim") ? DiffusersSpacing.LEADING.ddimTimesteps(1000, steps, 0)
        : DiffusersSpacing.LINSPACE.dpmSolverTimesteps(1000, steps, 0);
    int[] expectedTs = new int[steps];
    for (int i = 0; i < steps; i++) {
      expectedTs[i] = c.get("timesteps").get(i).asInt();
    }
    assertArrayEquals(expectedTs, ts, label + ": timesteps");

    DynamicThresholding th = DynamicThresholding.on(num(cfg, "dynamic_thresholding_ratio", 0.995),
        num(cfg, "sample_max_value", 1.0));
    Denoiser model = GOLDEN.model(PredictionType.parse("prediction_type", text(cfg, "prediction_type", "epsilon")));
    double[] got = run(solver(scheduler, cfg, steps, th), c, model);
    double[] off = run(solver(scheduler, cfg, steps, DynamicThresholding.OFF), c, model);
    Goldens.assertSamples(c.get("samples"), got, 1e-5, label);
    double[] expected = Goldens.flat(c.get("samples"));
    double apart = 0;
    for (int j = 0; j < expected.length; j++) {
      apart = Math.max(apart, Math.abs(expected[j] - off[j]));
    }
    assertTrue(apart > 1e-2, label + ": without thresholding the run ends only " + apart + " away");
  }
}
