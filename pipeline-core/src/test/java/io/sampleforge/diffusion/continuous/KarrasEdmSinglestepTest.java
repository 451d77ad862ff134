package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Hand-derived checks of the Karras spacing, the EDM solvers' call counts and their identity with
 * first-order DPM-Solver++, the singlestep order schedules, and config errors that name their key.
 */
class KarrasEdmSinglestepTest {
  private static void assertNames(String key, Executable e) {
    ConfigException ex = assertThrows(ConfigException.class, e);
    assertTrue(ex.getMessage().contains(key), "expected the key " + key + " in: " + ex.getMessage());
  }

  @Test
  void karrasSigmasOfTheEdmPaper() {
    // EDM's sigma_min 0.002, sigma_max 80, rho 7, five levels (numpy: (80^(1/7) + linspace(0, 1, 5) (...))^7)
    assertArrayEquals(new double[] {80.0, 17.52783196464411, 2.515218976147159, 0.16975275626876413, 0.002},
        KarrasSigmas.sigmas(0.002, 80, 5, 7), 1e-12);
    assertArrayEquals(new double[] {80.0}, KarrasSigmas.sigmas(0.002, 80, 1, 7), 0.0);
  }

  @Test
  void karrasGridsUseTheTrainingEndsAndDiffusersTimesteps() {
    DiscreteVpSchedule linear = DiscreteVpSchedule.diffusersDefault();
    TimeGrid g = KarrasSigmas.dpmSolverMultistep(linear, 10, FinalSigma.ZERO);
    // sigma_max = sqrt((1 - abar_999) / abar_999) = 157.4073 and sigma_min = sqrt(1e-4 / (1 - 1e-4)) = 0.0100005
    assertEquals(157.40728081, EdmSolver.veSigma(g.level(0)), 1e-6);
    assertEquals(Math.sqrt(1e-4 / (1 - 1e-4)), EdmSolver.veSigma(g.level(9)), 1e-12);
    assertTrue(g.endsClean());
    assertEquals(999.0, g.level(0).modelTime(), 0.0);
    assertEquals(0.0, g.level(9).modelTime(), 0.0);
    for (int i = 0; i < 10; i++) {
      assertEquals(Math.rint(g.level(i).modelTime()), g.level(i).modelTime(), 0.0, "rounded timestep " + i);
    }
    TimeGrid e = KarrasSigmas.eulerDiscrete(linear, 10, FinalSigma.ZERO);
    assertTrue(e.level(3).modelTime() != Math.rint(e.level(3).modelTime()), "Euler keeps fractional timesteps");
    assertEquals(Math.rint(e.level(3).modelTime()), g.level(3).modelTime(), 0.0);
    // _sigma_to_t inverts the training sigmas
    double[] logSigmas = new double[1000];
    for (int n = 0; n < 1000; n++) {
      logSigmas[n] = Math.log(KarrasSigmas.trainingSigma(linear, n));
    }
    for (int n : new int[] {0, 1, 17, 500, 998, 999}) {
      assertEquals(n, KarrasSigmas.sigmaToT(KarrasSigmas.trainingSigma(linear, n), logSigmas), 1e-9);
    }
    assertEquals(0.0, KarrasSigmas.sigmaToT(0.0, logSigmas), 0.0);
  }

  @Test
  void eulerIsFirstOrderDpmSolverPlusPlusAndHeunCountsItsCalls() {
    Denoiser model = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.EPSILON);
    SampleKey[] keys = DdimLawTest.keys(5, 70);
    GaussianDraws draws = new GaussianDraws(3);
    for (int n : new int[] {1, 4, 13}) {
      TimeGrid grid = KarrasSigmas.eulerDiscrete(new DiscreteVpSchedule(BetaSchedule.SCALED_LINEAR, 1000, 0.00085, 0.012), n,
          FinalSigma.ZERO);
      SampleBatch euler = new EdmSolver(grid, EdmSettings.EULER).sample(model, keys, draws);
      SampleBatch dpm = new DpmSolverPlusPlus(grid, new DpmSolverSettings(1, DpmSolverSettings.SolverType.MIDPOINT, true,
          false, DpmSolverSettings.OrderRule.DIFFUSERS)).sample(model, keys, draws);
      assertArrayEquals(dpm.samples(), euler.samples(), 1e-9, "Euler = DPM-Solver++ 1, N " + n);
      assertEquals(n, euler.modelCalls());
      assertEquals(2 * n - 1, new EdmSolver(grid, EdmSettings.HEUN).sample(model, keys, draws).modelCalls());
    }
    TimeGrid open = TimeGrid.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 6);
    assertEquals(12, new EdmSolver(open, EdmSettings.HEUN).sample(model, keys, draws).modelCalls());
    assertEquals(12, new EdmSolver(open, EdmSettings.HEUN).modelCalls());
  }

  @Test
  void singlestepOrderSchedules() {
    DpmSolverSinglestepSettings s = DpmSolverSinglestepSettings.DPM_SOLVER_2S;
    assertArrayEquals(new int[] {2, 2, 2, 1}, SinglestepPlan.orders(7, s));
    assertArrayEquals(new int[] {2, 2, 2}, SinglestepPlan.orders(6, s));
    DpmSolverSinglestepSettings fixed = new DpmSolverSinglestepSettings(2, DpmSolverSettings.SolverType.HEUN,
        DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED);
    assertArrayEquals(new int[] {2, 2, 2}, SinglestepPlan.orders(7, fixed));
    assertEquals(7, DpmSolverSinglestep.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 7, s).modelCalls());
    assertEquals(6, DpmSolverSinglestep.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 7, fixed).modelCalls());
    // on logSNR grids the intermediate level is the lambda midpoint (r1 = 1/2)
    List<SinglestepPlan.Step> steps = SinglestepPlan.dpmSolver(DiscreteVpSchedule.diffusersDefault(), SkipType.LOGSNR, 8, s).steps();
    for (SinglestepPlan.Step st : steps) {
      assertEquals(0.5, (st.mid().lambda() - st.from().lambda()) / (st.to().lambda() - st.from().lambda()), 1e-9);
    }
    // third order: dpm-solver's (and diffusers' get_order_list, lower_order_final) [3..., 2, 1] / [3..., 1] / [3..., 2]
    DpmSolverSinglestepSettings s3 = new DpmSolverSinglestepSettings(3, DpmSolverSettings.SolverType.MIDPOINT,
        DpmSolverSinglestepSettings.Method.SINGLESTEP);
    assertArrayEquals(new int[] {3, 2, 1}, SinglestepPlan.orders(6, s3));
    assertArrayEquals(new int[] {3, 3, 1}, SinglestepPlan.orders(7, s3));
    assertArrayEquals(new int[] {3, 3, 2}, SinglestepPlan.orders(8, s3));
    assertArrayEquals(new int[] {2, 1}, SinglestepPlan.orders(3, s3));
    // on logSNR grids the intermediate levels are at r1, r2 = 1/3, 2/3 of the step in lambda
    for (SinglestepPlan.Step st : SinglestepPlan.dpmSolver(DiscreteVpSchedule.diffusersDefault(), SkipType.LOGSNR, 9, s3)
        .steps()) {
      double h = st.to().lambda() - st.from().lambda();
      if (st.order() == 3) {
        assertEquals(1.0 / 3, (st.mid().lambda() - st.from().lambda()) / h, 1e-9);
        assertEquals(2.0 / 3, (st.mid2().lambda() - st.from().lambda()) / h, 1e-9);
      }
    }
  }

  @Test
  void badSettingsNameTheirKey() {
    assertNames("method", () -> new EdmSettings(null));
    assertNames("method", () -> EdmSettings.Method.parse("method", "rk4"));
    assertEquals(EdmSettings.Method.HEUN, EdmSettings.Method.parse("method", "Heun"));
    assertNames("final_sigmas_type",
        () -> KarrasSigmas.eulerDiscrete(DiscreteVpSchedule.diffusersDefault(), 5, FinalSigma.SIGMA_MIN));
    assertNames("sigma_min", () -> KarrasSigmas.sigmas(2, 1, 5, 7));
    assertNames("rho", () -> KarrasSigmas.sigmas(0.1, 1, 5, 0));
    assertNames("order", () -> new DpmSolverSinglestepSettings(4, DpmSolverSettings.SolverType.MIDPOINT,
        DpmSolverSinglestepSettings.Method.SINGLESTEP));
    assertNames("method", () -> DpmSolverSinglestepSettings.Method.parse("method", "multistep"));
    assertNames("steps", () -> DpmSolverSinglestep.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 1,
        DpmSolverSinglestepSettings.DPM_SOLVER_2S));
    SinglestepPlan twoS = SinglestepPlan.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 4,
        DpmSolverSinglestepSettings.DPM_SOLVER_2S);
    assertNames("order", () -> new DpmSolverSinglestep(twoS, new DpmSolverSinglestepSettings(1,
        DpmSolverSettings.SolverType.MIDPOINT, DpmSolverSinglestepSettings.Method.SINGLESTEP)));
    assertNames("timesteps", () -> new EdmSolver(null, EdmSettings.EULER));
  }
}
