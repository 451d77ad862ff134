package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TS-DPM's DPM-Solver variant ({@link TimeShiftedDpmSolver}) against the reference's own run: Mingxiao-Li/TS-DPM's
 * {@code sampler/dpm_solver_utils.py} {@code DPM_Solver(predict_x0=False, apply_time_shift=True)} multistep, in
 * float64 on the exact 3-component GMM denoiser (per-row times), made by
 * {@code src/test/resources/continuous/make_ts_dpm_golden.py}: 7 shifted cases (orders 2 and 3, dpm_solver and
 * taylor, noise / x_start / v models, windows 5 .. 40, cutoffs 0 .. 500, 10 .. 25 steps) and the unshifted run,
 * each with the same model calls and final samples to 1e-5; every shifted case ends more than 1e-3 away from the
 * unshifted solver (the shift is tested). Also: with no step above the cutoff on an integer grid the run is the plain
 * noise-prediction DPM-Solver bit for bit, and windows that would let a target reach a row's current level are
 * refused naming {@code time_shift.window}.
 */
class TimeShiftedDpmSolverTest {
  private static final Goldens GOLDEN = Goldens.load("ts_dpm_solver_golden.json");
  private static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.diffusersDefault();

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static DpmSolverSettings settings(JsonNode c) {
    DpmSolverSettings.SolverType type = c.get("solver_type").asText().equals("taylor")
        ? DpmSolverSettings.SolverType.HEUN : DpmSolverSettings.SolverType.MIDPOINT;
    return new DpmSolverSettings(c.get("order").asInt(), type, true, false, DpmSolverSettings.OrderRule.DIFFUSERS);
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesTheReference(JsonNode c) {
    int steps = c.get("steps").asInt();
    String label = "steps " + steps + " order " + c.get("order").asInt() + " " + c.get("solver_type").asText() + " "
        + c.get("model_type").asText() + " w " + c.get("window").asInt() + " cutoff " + c.get("cutoff").asInt()
        + " shift " + c.get("time_shift").asBoolean();
    TimeGrid grid = TimeGrid.dpmSolver(SCHEDULE, SkipType.TIME_UNIFORM, steps);
    DpmSolverPlusPlus plain = new DpmSolverPlusPlus(grid, settings(c), DpmAlgorithm.NOISE_PREDICTION);
    GaussianSolver solver = c.get("time_shift").asBoolean() ? new TimeShiftedDpmSolver(grid, settings(c), SCHEDULE,
        new TimeShiftSettings(c.get("window").asInt(), c.get("cutoff").asInt())) : plain;
    Denoiser model = GOLDEN.model(Goldens.dpmSolverType(c.get("model_type").asText()));
    SampleBatch out = GOLDEN.run(solver, model);
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
    if (solver != plain) {
      double[] unshifted = GOLDEN.run(plain, model).samples();
      double apart = 0;
      for (int j = 0; j < unshifted.length; j++) {
        apart = Math.max(apart, Math.abs(unshifted[j] - out.samples()[j]));
      }
      assertTrue(apart > 1e-3, label + ": the shift moved the samples only " + apart);
    }
  }

  @Test
  void noStepAboveTheCutoffIsThePlainSolverAndWideWindowsAreRefused() {
    TimeGrid grid = TimeGrid.diffusers(SCHEDULE, DiffusersSpacing.LINSPACE, 12, 0, FinalSigma.SIGMA_MIN);
    DpmSolverSettings s = DpmSolverSettings.DIFFUSERS;
    Denoiser model = GOLDEN.model(PredictionType.EPSILON);
    double[] plain = GOLDEN.run(new DpmSolverPlusPlus(grid, s, DpmAlgorithm.NOISE_PREDICTION), model).samples();
    double[] shifted = GOLDEN.run(new TimeShiftedDpmSolver(grid, s, SCHEDULE, new TimeShiftSettings(20, 999)), model)
        .samples();
    assertArrayEquals(plain, shifted, "cutoff 999: no row is shifted");
    // linspace 12 steps: timesteps 999, 916, 833, ...: gaps of 83, so w must be < 41.5 (both ends move)
    new TimeShiftedDpmSolver(grid, s, SCHEDULE, new TimeShiftSettings(41, 0));
    ConfigException e = assertThrows(ConfigException.class,
        () -> new TimeShiftedDpmSolver(grid, s, SCHEDULE, new TimeShiftSettings(42, 0)));
    assertTrue(e.getMessage().startsWith("parameter 'time_shift.window' must keep each shifted target below")
        && e.getMessage().endsWith("42"), e.getMessage());
    ConfigException clean = assertThrows(ConfigException.class, () -> new TimeShiftedDpmSolver(
        TimeGrid.diffusers(SCHEDULE, DiffusersSpacing.LINSPACE, 12, 0, FinalSigma.ZERO), s, SCHEDULE,
        TimeShiftSettings.DPM_SOLVER));
    assertTrue(clean.getMessage().startsWith("parameter 'final_sigmas_type'"), clean.getMessage());
  }
}
