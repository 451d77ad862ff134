package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * Schedules, spacings and step orders against values derived by hand from diffusers' and dpm-solver's
 * definitions (the widely printed Stable Diffusion DPM-Solver timesteps included), and config errors
 * that name their key.
 */
class ScheduleTest {
  @Test
  void diffusersSpacings() {
    assertArrayEquals(new int[] {900, 800, 700, 600, 500, 400, 300, 200, 100, 0}, DiffusersSpacing.LEADING.ddimTimesteps(1000, 10, 0));
    assertArrayEquals(new int[] {901, 801, 701, 601, 501, 401, 301, 201, 101, 1}, DiffusersSpacing.LEADING.ddimTimesteps(1000, 10, 1));
    assertArrayEquals(new int[] {999, 888, 777, 666, 555, 444, 333, 222, 111, 0}, DiffusersSpacing.LINSPACE.ddimTimesteps(1000, 10, 0));
    assertArrayEquals(new int[] {999, 899, 799, 699, 599, 499, 399, 299, 199, 99}, DiffusersSpacing.TRAILING.ddimTimesteps(1000, 10, 0));
    assertArrayEquals(new int[] {999, 666, 332}, DiffusersSpacing.TRAILING.ddimTimesteps(1000, 3, 0)); // round(1000 - k 333.33) - 1
    assertArrayEquals(new int[] {999, 899, 799, 699, 599, 500, 400, 300, 200, 100}, DiffusersSpacing.LINSPACE.dpmSolverTimesteps(1000, 10, 0));
    assertArrayEquals(new int[] {900, 810, 720, 630, 540, 450, 360, 270, 180, 90}, DiffusersSpacing.LEADING.dpmSolverTimesteps(1000, 10, 0));
    assertArrayEquals(new int[] {999, 749, 499, 249}, DiffusersSpacing.TRAILING.dpmSolverTimesteps(1000, 4, 0));
  }

  @Test
  void betaSchedulesUseDiffusersConstants() {
    DiscreteVpSchedule linear = DiscreteVpSchedule.diffusersDefault();
    assertEquals(1 - 1e-4, linear.alphaBar(0), 1e-15);
    assertEquals((1 - 1e-4) * (1 - (1e-4 + 0.0199 / 999)), linear.alphaBar(1), 1e-15);
    assertEquals(4.0358e-5, linear.alphaBar(999), 1e-8);
    DiscreteVpSchedule cosine = new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02);
    double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
    double f1 = Math.pow(Math.cos((0.001 + 0.008) / 1.008 * Math.PI / 2), 2);
    assertEquals(f1 / f0, cosine.alphaBar(0), 1e-15);
    assertEquals(0.001 * cosine.alphaBar(998), cosine.alphaBar(999), 1e-18, "the last beta is capped at max_beta 0.999");
    assertTrue(cosine.continuousSteps() < 1000, "dpm-solver clips the cosine tail below lambda -5.1");
    DiscreteVpSchedule scaled = new DiscreteVpSchedule(BetaSchedule.SCALED_LINEAR, 1000, 0.00085, 0.012);
    assertEquals(1 - 0.00085, scaled.alphaBar(0), 1e-15);
    assertEquals(0.0047, scaled.alphaBar(999), 1e-4); // Stable Diffusion's final alpha_bar
  }

  @Test
  void lambdaInversesRoundTrip() {
    NoiseSchedule[] schedules = {LinearVpSchedule.DEFAULT, DiscreteVpSchedule.diffusersDefault(),
        new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02)};
    for (NoiseSchedule s : schedules) {
      for (double t = 1e-3; t <= 1.0; t += 0.0123) {
        assertEquals(t, s.inverseLambda(s.lambda(t)), 1e-9, s + " t " + t);
      }
    }
    // closed form at t = 1: log alpha = -(19.9) / 4 - 0.05
    assertEquals(-19.9 / 4 - 0.05, LinearVpSchedule.DEFAULT.logAlpha(1.0), 1e-15);
  }

  @Test
  void stepOrders() {
    DpmSolverSettings.SolverType mid = DpmSolverSettings.SolverType.MIDPOINT;
    DpmSolverSettings d3 = new DpmSolverSettings(3, mid, true, false, DpmSolverSettings.OrderRule.DIFFUSERS);
    assertArrayEquals(new int[] {1, 2, 3, 2, 1}, StepOrders.of(d3, 5, false));
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1}, StepOrders.of(d3, 16, true), "zero final sigma");
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, StepOrders.of(d3, 16, false));
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1}, StepOrders.of(d3, 14, false), "N < 15");
    DpmSolverSettings euler = new DpmSolverSettings(2, mid, true, true, DpmSolverSettings.OrderRule.DIFFUSERS);
    assertArrayEquals(new int[] {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1}, StepOrders.of(euler, 16, false));
    DpmSolverSettings r3 = DpmSolverSettings.dpmSolver(3, mid);
    assertArrayEquals(new int[] {1, 2, 3, 2, 1}, StepOrders.of(r3, 5, false));
    assertArrayEquals(new int[] {1, 2, 1}, StepOrders.of(r3, 3, false));
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, StepOrders.of(r3, 12, false), "dpm-solver lowers only below 10 steps");
  }

  @Test
  void configErrorsNameTheirKey() {
    assertKey("solver_order", () -> new DpmSolverSettings(4, DpmSolverSettings.SolverType.HEUN, true, false, DpmSolverSettings.OrderRule.DIFFUSERS));
    assertKey("steps", () -> StepOrders.of(DpmSolverSettings.dpmSolver(3, DpmSolverSettings.SolverType.HEUN), 2, false));
    assertKey("beta_schedule", () -> BetaSchedule.parse("beta_schedule", "cosine"));
    assertKey("prediction_type", () -> PredictionType.parse("prediction_type", "x0"));
    assertKey("skip_type", () -> SkipType.parse("skip_type", "karras"));
    assertKey("timestep_spacing", () -> DiffusersSpacing.parse("timestep_spacing", "uniform"));
    assertKey("beta_max", () -> new LinearVpSchedule(0.1, 0.05));
    assertKey("beta_start/beta_end", () -> new DiscreteVpSchedule(BetaSchedule.LINEAR, 1000, 0.02, 0.01));
    assertKey("eta", () -> DdimSettings.unclipped(-0.1));
    assertKey("num_inference_steps", () -> DiffusersSpacing.LEADING.ddimTimesteps(1000, 1001, 0));
    assertKey("gmm.covariances[0]", () -> GaussianMixture.full(new double[] {1}, new double[][] {{0, 0}},
        new double[][][] {{{1, 2}, {2, 1}}}));
    assertKey("gmm.weights", () -> GaussianMixture.diagonal(new double[] {0}, new double[][] {{0}}, new double[][] {{1}}));
    assertEquals(PredictionType.V, PredictionType.parse("prediction_type", "v_prediction"));
    assertEquals(SkipType.LOGSNR, SkipType.parse("skip_type", "logSNR"));
  }

  private static void assertKey(String key, org.junit.jupiter.api.function.Executable e) {
    ConfigException ex = assertThrows(ConfigException.class, e);
    assertTrue(ex.getMessage().startsWith("parameter '" + key + "'"), ex.getMessage());
    assertEquals(2, ex.exitCode());
  }
}
