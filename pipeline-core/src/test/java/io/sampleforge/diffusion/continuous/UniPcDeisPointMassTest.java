package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * For point-mass data x0 = mu the probability-flow ODE is x_t = alpha_t mu + sigma_t eps_T with eps_T =
 * (x_T - alpha_T mu) / sigma_T. UniPC with data prediction is exact at any step count: every model call
 * returns x0 = mu, so every divided difference and the corrector's m_t - m0 vanish, and what is left is
 * the exact first-order data-prediction step. The noise-prediction UniPC ({@code predict_x0 = false}) is exact
 * for the same reason as DEIS below (its eps is constant along the flow; onto sigma = 0 it returns the limit of its
 * first-order step). DEIS is exact as well: its noise prediction eps = (x_t -
 * alpha_t mu) / sigma_t = eps_T is constant along the flow, and its Lagrange weights integrate a constant
 * exactly (they sum to rho_t - rho_s0). Checked to 1e-9 for every prediction type, order, variant and
 * lower_order_final, with and without disabled correctors, on dpm-solver's and diffusers' grids.
 */
class UniPcDeisPointMassTest {
  private static final double[] MU = {0.7, -1.3, 2.1};
  private static final int[] STEPS = {1, 2, 3, 5, 17, 50};

  private static Denoiser model(PredictionType type) {
    return new GaussianMixtureDenoiser(GaussianMixture.diagonal(new double[] {1}, new double[][] {MU},
        new double[][] {{0, 0, 0}}), type);
  }

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(2000 + i, i % 3);
    }
    return k;
  }

  private static void assertOnFlow(GaussianSolver solver, TimeGrid grid, Denoiser model, double[] xT, SampleKey[] keys,
      String label) {
    SampleBatch out = solver.run(model, xT, keys, new GaussianDraws(5));
    assertEquals(grid.steps(), out.modelCalls(), label + ": model calls");
    NoiseLevel start = grid.level(0);
    NoiseLevel end = grid.level(grid.steps());
    for (int j = 0; j < xT.length; j++) {
      double eps = (xT[j] - start.alpha() * MU[j % 3]) / start.sigma();
      double expected = end.alpha() * MU[j % 3] + end.sigma() * eps;
      assertEquals(expected, out.samples()[j], 1e-9, label + " value " + j);
    }
  }

  private static List<UniPcSettings> uniPcSettings(int order) {
    return List.of(UniPcSettings.of(order, UniPcSettings.Variant.BH1), UniPcSettings.of(order, UniPcSettings.Variant.BH2),
        new UniPcSettings(order, UniPcSettings.Variant.BH1, false, List.of()),
        new UniPcSettings(order, UniPcSettings.Variant.BH2, false, List.of(0, 2, 3)),
        UniPcSettings.of(order, UniPcSettings.Variant.BH1).withPredictX0(false),
        new UniPcSettings(order, UniPcSettings.Variant.BH2, false, List.of(0, 2)).withPredictX0(false));
  }

  @Test
  void onDpmSolverGrids() {
    SampleKey[] keys = keys(4);
    double[] xT = new GaussianDraws(17).initialNoise(keys, 3);
    NoiseSchedule[] schedules = {LinearVpSchedule.DEFAULT, DiscreteVpSchedule.diffusersDefault(),
        new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02)};
    for (NoiseSchedule schedule : schedules) {
      for (SkipType skip : SkipType.values()) {
        for (int n : STEPS) {
          TimeGrid grid = TimeGrid.dpmSolver(schedule, skip, n);
          for (int order = 1; order <= Math.min(3, n); order++) {
            for (PredictionType type : PredictionType.values()) {
              String label = schedule + " " + skip + " N " + n + " order " + order + " " + type;
              for (UniPcSettings s : uniPcSettings(order)) {
                assertOnFlow(new UniPc(grid, s), grid, model(type), xT, keys, label + " " + s);
              }
              for (boolean lof : new boolean[] {true, false}) {
                assertOnFlow(new Deis(grid, DeisSettings.of(order, lof)), grid, model(type), xT, keys, label + " DEIS " + lof);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void onDiffusersGrids() {
    SampleKey[] keys = keys(3);
    double[] xT = new GaussianDraws(18).initialNoise(keys, 3);
    DiscreteVpSchedule schedule = new DiscreteVpSchedule(BetaSchedule.SCALED_LINEAR, 1000, 0.00085, 0.012);
    for (DiffusersSpacing spacing : DiffusersSpacing.values()) {
      for (FinalSigma last : FinalSigma.values()) {
        for (int n : STEPS) {
          TimeGrid grid = TimeGrid.diffusers(schedule, spacing, n, 1, last);
          for (int order = 1; order <= Math.min(3, n); order++) {
            String label = spacing + " " + last + " N " + n + " order " + order;
            for (UniPcSettings s : uniPcSettings(order)) {
              assertOnFlow(new UniPc(grid, s), grid, model(PredictionType.V), xT, keys, label + " " + s);
            }
            if (last == FinalSigma.SIGMA_MIN) {
              assertOnFlow(new Deis(grid, DeisSettings.of(order, true)), grid, model(PredictionType.EPSILON), xT, keys,
                  label + " DEIS");
            }
          }
        }
      }
    }
  }
}
