package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * For point-mass data x0 = mu the probability-flow ODE is x_t = alpha_t mu + sigma_t eps_T with eps_T =
 * (x_T - alpha_T mu) / sigma_T, and DDIM (eta = 0) and DPM-Solver++ of any order are exact at any step
 * count (the data prediction is constant, so every difference term vanishes). Checked to 1e-9 for
 * every prediction type, on diffusers' and dpm-solver's grids, including diffusers' DDIM plans whose
 * steps land off the next step's start (there the oracle walks the plan step by step).
 */
class PointMassExactnessTest {
  // Also exact for point masses: singlestep DPM-Solver++ (order 1 and 2S), Euler and Heun on the EDM ODE (D is
  // constant, so dx/dsigma = (x - mu) / sigma is linear in sigma along the flow and both integrate it exactly);
  // SDE-DPM-Solver++ is stochastic, but its last step onto sigma = 0 returns D = mu exactly.
  private static final double[] MU = {0.7, -1.3, 2.1};
  private static final int[] STEPS = {1, 2, 3, 5, 17, 50};

  private static Denoiser model(PredictionType type) {
    return new GaussianMixtureDenoiser(GaussianMixture.diagonal(new double[] {1}, new double[][] {MU},
        new double[][] {{0, 0, 0}}), type);
  }

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(1000 + i, i % 2);
    }
    return k;
  }

  private static void assertOnFlow(SampleBatch out, double[] xT, NoiseLevel start, NoiseLevel end, String label) {
    for (int r = 0; r < out.rows(); r++) {
      for (int i = 0; i < 3; i++) {
        double eps = (xT[3 * r + i] - start.alpha() * MU[i]) / start.sigma();
        double expected = end.alpha() * MU[i] + end.sigma() * eps;
        assertEquals(expected, out.samples()[3 * r + i], 1e-9, label + " row " + r + " coordinate " + i);
      }
    }
  }

  @Test
  void dpmSolverPlusPlusOnDpmSolverGrids() {
    GaussianDraws draws = new GaussianDraws(7);
    SampleKey[] keys = keys(5);
    double[] xT = draws.initialNoise(keys, 3);
    NoiseSchedule[] schedules = {LinearVpSchedule.DEFAULT, DiscreteVpSchedule.diffusersDefault(),
        new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02)};
    for (NoiseSchedule schedule : schedules) {
      for (SkipType skip : SkipType.values()) {
        for (int n : STEPS) {
          TimeGrid grid = TimeGrid.dpmSolver(schedule, skip, n);
          for (int order = 1; order <= Math.min(3, n); order++) {
            for (PredictionType type : PredictionType.values()) {
              for (DpmSolverSettings.SolverType st : DpmSolverSettings.SolverType.values()) {
                SampleBatch out = new DpmSolverPlusPlus(grid, DpmSolverSettings.dpmSolver(order, st)).run(model(type), xT, keys, draws);
                assertEquals(n, out.modelCalls());
                assertOnFlow(out, xT, grid.level(0), grid.level(n), schedule + " " + skip + " N " + n + " order " + order + " " + type + " " + st);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void dpmSolverPlusPlusOnDiffusersGrids() {
    GaussianDraws draws = new GaussianDraws(8);
    SampleKey[] keys = keys(3);
    double[] xT = draws.initialNoise(keys, 3);
    DiscreteVpSchedule schedule = new DiscreteVpSchedule(BetaSchedule.SCALED_LINEAR, 1000, 0.00085, 0.012);
    for (DiffusersSpacing spacing : DiffusersSpacing.values()) {
      for (FinalSigma last : FinalSigma.values()) {
        for (int n : STEPS) {
          TimeGrid grid = TimeGrid.diffusers(schedule, spacing, n, 1, last);
          for (int order = 1; order <= Math.min(3, n); order++) {
            SampleBatch out = new DpmSolverPlusPlus(grid, new DpmSolverSettings(order, DpmSolverSettings.SolverType.MIDPOINT,
                true, false, DpmSolverSettings.OrderRule.DIFFUSERS)).run(model(PredictionType.V), xT, keys, draws);
            assertOnFlow(out, xT, grid.level(0), grid.level(n), spacing + " " + last + " N " + n + " order " + order);
          }
        }
      }
    }
  }

  @Test
  void ddimOnDiffusersPlans() {
    GaussianDraws draws = new GaussianDraws(9);
    SampleKey[] keys = keys(4);
    double[] xT = draws.initialNoise(keys, 3);
    DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
    for (DiffusersSpacing spacing : DiffusersSpacing.values()) {
      for (boolean toOne : new boolean[] {true, false}) {
        for (int n : STEPS) {
          DdimPlan plan = DdimPlan.diffusers(schedule, spacing, n, 0, toOne);
          for (PredictionType type : PredictionType.values()) {
            SampleBatch out = new DdimSolver(plan, DdimSettings.unclipped(0)).run(model(type), xT, keys, draws);
            // diffusers' plans may land off the next step's start (linspace / trailing: prev = t - T // N), so the
            // exact oracle walks the plan: each step maps x at its start to the flow through x at its end
            double[] expected = xT.clone();
            for (DdimPlan.Step st : plan.steps()) {
              for (int j = 0; j < expected.length; j++) {
                double eps = (expected[j] - st.from().alpha() * MU[j % 3]) / st.from().sigma();
                expected[j] = st.to().alpha() * MU[j % 3] + st.to().sigma() * eps;
              }
            }
            for (int j = 0; j < expected.length; j++) {
              assertEquals(expected[j], out.samples()[j], 1e-9, spacing + " set_alpha_to_one " + toOne + " N " + n + " " + type + " " + j);
            }
          }
        }
      }
    }
  }

  @Test
  void singlestepDpmSolverPlusPlusOnDpmSolverGrids() {
    GaussianDraws draws = new GaussianDraws(10);
    SampleKey[] keys = keys(3);
    double[] xT = draws.initialNoise(keys, 3);
    NoiseSchedule[] schedules = {LinearVpSchedule.DEFAULT, DiscreteVpSchedule.diffusersDefault(),
        new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02)};
    for (NoiseSchedule schedule : schedules) {
      for (SkipType skip : SkipType.values()) {
        for (int n : STEPS) {
          for (DpmSolverSinglestepSettings.Method method : DpmSolverSinglestepSettings.Method.values()) {
            for (int order = 1; order <= Math.min(3, n); order++) {
              for (DpmSolverSettings.SolverType st : DpmSolverSettings.SolverType.values()) {
                DpmSolverSinglestepSettings settings = new DpmSolverSinglestepSettings(order, st, method);
                DpmSolverSinglestep solver = DpmSolverSinglestep.dpmSolver(schedule, skip, n, settings);
                for (PredictionType type : PredictionType.values()) {
                  SampleBatch out = solver.run(model(type), xT, keys, draws);
                  assertEquals(solver.modelCalls(), out.modelCalls());
                  java.util.List<SinglestepPlan.Step> steps = solver.plan().steps();
                  assertOnFlow(out, xT, steps.get(0).from(), steps.get(steps.size() - 1).to(),
                      schedule + " " + skip + " N " + n + " " + method + " order " + order + " " + type + " " + st);
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void eulerAndHeunOnKarrasAndDpmSolverGrids() {
    GaussianDraws draws = new GaussianDraws(11);
    SampleKey[] keys = keys(3);
    double[] xT = draws.initialNoise(keys, 3);
    for (BetaSchedule beta : BetaSchedule.values()) {
      DiscreteVpSchedule schedule = new DiscreteVpSchedule(beta, 1000, beta == BetaSchedule.SCALED_LINEAR ? 0.00085 : 1e-4,
          beta == BetaSchedule.SCALED_LINEAR ? 0.012 : 0.02);
      for (int n : STEPS) {
        TimeGrid[] grids = {KarrasSigmas.eulerDiscrete(schedule, n, FinalSigma.ZERO),
            KarrasSigmas.dpmSolverMultistep(schedule, n, FinalSigma.ZERO), TimeGrid.dpmSolver(schedule, SkipType.LOGSNR, n),
            InterpolatedSigmas.eulerDiscrete(schedule, DiffusersSpacing.LINSPACE, n, 0, FinalSigma.ZERO, false),
            InterpolatedSigmas.eulerDiscrete(schedule, DiffusersSpacing.TRAILING, n, 0, FinalSigma.ZERO, true)};
        for (TimeGrid grid : grids) {
          for (EdmSettings.Method m : EdmSettings.Method.values()) {
            for (PredictionType type : PredictionType.values()) {
              EdmSolver solver = new EdmSolver(grid, new EdmSettings(m));
              SampleBatch out = solver.run(model(type), xT, keys, draws);
              assertEquals(solver.modelCalls(), out.modelCalls());
              assertOnFlow(out, xT, grid.level(0), grid.level(n), beta + " N " + n + " " + m + " " + type + " " + grid);
            }
          }
        }
      }
    }
  }

  @Test
  void sdeDpmSolverPlusPlusEndsOnThePointExactly() {
    GaussianDraws draws = new GaussianDraws(12);
    SampleKey[] keys = keys(4);
    DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
    for (int n : STEPS) {
      for (int order = 1; order <= Math.min(2, n); order++) {
        for (DpmSolverSettings.SolverType st : DpmSolverSettings.SolverType.values()) {
          SdeDpmSolverPlusPlus solver = new SdeDpmSolverPlusPlus(KarrasSigmas.dpmSolverMultistep(schedule, n, FinalSigma.ZERO),
              new SdeDpmSolverSettings(order, st, true, false));
          SampleBatch out = solver.sample(model(PredictionType.EPSILON), keys, draws);
          for (int j = 0; j < out.samples().length; j++) {
            assertEquals(MU[j % 3], out.samples()[j], 1e-9, "N " + n + " order " + order + " " + st + " " + j);
          }
        }
      }
    }
  }
}
