package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Convergence order on Gaussian data x0 ~ N(mu, s^2 I), whose probability-flow ODE has the closed form
 * x_t = alpha_t mu + sqrt(alpha_t^2 s^2 + sigma_t^2) (x_T - alpha_T mu) / sqrt(alpha_T^2 s^2 + sigma_T^2)
 * (shared/notes/samplers.md section 6). Every solver starts from the same x_T on dpm-solver's linear
 * VP schedule from t = 1 to t = 1e-3 with logSNR steps, and the error (max over samples and
 * coordinates against the exact flow) must fall by the solver's order per halving of the step size:
 * a ratio near 2 for first order and near 4 for second order. 3M is capped at 4 by its lower-order
 * warm-up steps. Measured (N = 20 .. 160 for first order, 40 .. 320 for second): 1.94 .. 1.99 for
 * DPM-Solver++ 1, DDIM and Euler; 3.94 .. 4.08 for 2M, 3.81 .. 4.00 for 2S, 4.05 .. 4.44 for 3M (it
 * approaches 4 from above), 4.03 .. 4.13 for Heun. The bands [1.7, 2.3] and [3.3, 4.7] hold these with a margin of about
 * 0.25 and still tell orders 1, 2 and 3 (ratio 8) apart. At N = 10 .. 20 the second-order ratios
 * are not yet asymptotic (2M: 2.5, 3M: 5.4), hence the larger start. Singlestep DPM-Solver++ 3S
 * ({@code singlestep_fixed}, so every step is third order) must fall by about 8 per halving: measured
 * 7.71 .. 7.86 (midpoint) and 7.92 .. 7.96 (heun) for N = 384 .. 1536 model calls, held to [7, 9]
 * (second order would give 4, fourth 16). Below N = 192 it is not asymptotic (its error changes sign
 * near N = 24 .. 48: ratios 0.5 .. 176), hence the large N; 3 x 8 rows x 3 coordinates keep it cheap.
 */
class ConvergenceOrderTest {
  private static final double[] MU = {0.7, -1.3, 2.1};
  private static final double S = 0.5;
  private static final double T_END = 1e-3;
  private static final NoiseSchedule SCHEDULE = LinearVpSchedule.DEFAULT;

  private static final SampleKey[] KEYS = keys(8);
  private static final GaussianDraws DRAWS = new GaussianDraws(31);
  private static final double[] XT = DRAWS.initialNoise(KEYS, 3);

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(500 + i, 0);
    }
    return k;
  }

  private static Denoiser model() {
    return new GaussianMixtureDenoiser(GaussianMixture.diagonal(new double[] {1}, new double[][] {MU},
        new double[][] {{S * S, S * S, S * S}}), PredictionType.EPSILON);
  }

  private static TimeGrid grid(int steps) {
    return TimeGrid.dpmSolver(SCHEDULE, SkipType.LOGSNR, SCHEDULE.start(), T_END, steps);
  }

  /** The largest deviation from the exact flow map from level start to level end. */
  private static double error(SampleBatch out, NoiseLevel start, NoiseLevel end) {
    double scale = Math.sqrt(end.alpha() * end.alpha() * S * S + end.sigma() * end.sigma())
        / Math.sqrt(start.alpha() * start.alpha() * S * S + start.sigma() * start.sigma());
    double worst = 0;
    for (int j = 0; j < XT.length; j++) {
      double mu = MU[j % 3];
      double exact = end.alpha() * mu + scale * (XT[j] - start.alpha() * mu);
      worst = Math.max(worst, Math.abs(out.samples()[j] - exact));
    }
    return worst;
  }

  /** The error ratios err(N) / err(2N) for N = n0, 2 n0, ...; solvers are built per step count. */
  private static double[] ratios(IntFunction<GaussianSolver> solver, int n0, int halvings) {
    NoiseLevel start = grid(1).level(0);
    NoiseLevel end = grid(1).level(1);
    double[] err = new double[halvings + 1];
    for (int k = 0; k <= halvings; k++) {
      SampleBatch out = solver.apply(n0 << k).run(model(), XT, KEYS, DRAWS);
      err[k] = error(out, start, end);
    }
    double[] r = new double[halvings];
    for (int k = 0; k < halvings; k++) {
      r[k] = err[k] / err[k + 1];
    }
    return r;
  }

  private static void assertBand(double[] r, double lo, double hi, String label) {
    for (int k = 0; k < r.length; k++) {
      assertTrue(r[k] >= lo && r[k] <= hi, label + ": error ratio " + r[k] + " at halving " + k + " outside ["
          + lo + ", " + hi + "]; all " + java.util.Arrays.toString(r));
    }
  }

  private static DpmSolverPlusPlus multistep(int n, int order, DpmSolverSettings.SolverType type) {
    return new DpmSolverPlusPlus(grid(n), DpmSolverSettings.dpmSolver(order, type));
  }

  @Test
  void firstOrderSolversHalveTheirError() {
    assertBand(ratios(n -> multistep(n, 1, DpmSolverSettings.SolverType.MIDPOINT), 20, 3), 1.7, 2.3, "DPM-Solver++ 1");
    assertBand(ratios(n -> new EdmSolver(grid(n), EdmSettings.EULER), 20, 3), 1.7, 2.3, "Euler (EDM)");
    assertBand(ratios(n -> new DdimSolver(DdimPlan.along(grid(n)), DdimSettings.unclipped(0)), 20, 3), 1.7, 2.3, "DDIM");
  }

  @Test
  void secondOrderSolversQuarterTheirError() {
    for (DpmSolverSettings.SolverType type : DpmSolverSettings.SolverType.values()) {
      assertBand(ratios(n -> multistep(n, 2, type), 40, 3), 3.3, 4.7, "DPM-Solver++ 2M " + type);
      assertBand(ratios(n -> multistep(n, 3, type), 40, 3), 3.3, 4.7, "DPM-Solver++ 3M " + type);
      DpmSolverSinglestepSettings s2 = new DpmSolverSinglestepSettings(2, type, DpmSolverSinglestepSettings.Method.SINGLESTEP);
      assertBand(ratios(n -> new DpmSolverSinglestep(SinglestepPlan.dpmSolver(SCHEDULE, SkipType.LOGSNR, SCHEDULE.start(),
          T_END, n, s2), s2), 40, 3), 3.3, 4.7, "DPM-Solver++ 2S " + type);
    }
    assertBand(ratios(n -> new EdmSolver(grid(n), EdmSettings.HEUN), 40, 3), 3.3, 4.7, "Heun (EDM)");
  }

  @Test
  void thirdOrderSinglestepDividesItsErrorByEight() {
    for (DpmSolverSettings.SolverType type : DpmSolverSettings.SolverType.values()) {
      DpmSolverSinglestepSettings s3 = new DpmSolverSinglestepSettings(3, type,
          DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED);
      double[] r = ratios(n -> new DpmSolverSinglestep(SinglestepPlan.dpmSolver(SCHEDULE, SkipType.LOGSNR, SCHEDULE.start(),
          T_END, n, s3), s3), 384, 2);
      assertBand(r, 7.0, 9.0, "DPM-Solver++ 3S " + type);
    }
  }

  /**
   * The noise-prediction DPM-Solver ({@code algorithm_type="dpmsolver"}) has the orders of DPM-Solver++: measured
   * 1.94 .. 1.99 (order 1), 3.88 .. 4.00 (2M), 3.99 .. 4.15 (3M), 3.99 .. 4.16 (2S) and 8.04 .. 8.27 (3S fixed)
   * over the same step counts as above, held to the same bands.
   */
  @Test
  void noisePredictionDpmSolverHasTheSameOrders() {
    DpmAlgorithm eps = DpmAlgorithm.NOISE_PREDICTION;
    assertBand(ratios(n -> new DpmSolverPlusPlus(grid(n), DpmSolverSettings.dpmSolver(1,
        DpmSolverSettings.SolverType.MIDPOINT), eps), 20, 3), 1.7, 2.3, "DPM-Solver 1");
    for (DpmSolverSettings.SolverType type : DpmSolverSettings.SolverType.values()) {
      assertBand(ratios(n -> new DpmSolverPlusPlus(grid(n), DpmSolverSettings.dpmSolver(2, type), eps), 40, 3), 3.3, 4.7,
          "DPM-Solver 2M " + type);
      assertBand(ratios(n -> new DpmSolverPlusPlus(grid(n), DpmSolverSettings.dpmSolver(3, type), eps), 40, 3), 3.3, 4.7,
          "DPM-Solver 3M " + type);
      DpmSolverSinglestepSettings s2 = new DpmSolverSinglestepSettings(2, type, DpmSolverSinglestepSettings.Method.SINGLESTEP);
      assertBand(ratios(n -> new DpmSolverSinglestep(SinglestepPlan.dpmSolver(SCHEDULE, SkipType.LOGSNR, SCHEDULE.start(),
          T_END, n, s2), s2, eps), 40, 3), 3.3, 4.7, "DPM-Solver 2S " + type);
      DpmSolverSinglestepSettings s3 = new DpmSolverSinglestepSettings(3, type,
          DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED);
      assertBand(ratios(n -> new DpmSolverSinglestep(SinglestepPlan.dpmSolver(SCHEDULE, SkipType.LOGSNR, SCHEDULE.start(),
          T_END, n, s3), s3, eps), 384, 2), 7.0, 9.0, "DPM-Solver 3S " + type);
    }
  }
}
