package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The FKC loop's bookkeeping: (d) a group's output (samples, weights, lineage, ESS trace) does not
 * depend on the other groups of its batch; with one expert of exponent 1 it is exactly
 * SDE-DPM-Solver++ (the weights stay 0, so resampling is the identity); lineage, final resampling and
 * ESS traces behave as documented; seeds and keys change the draws.
 */
class FkcSamplerTest {
  private static final TimeGrid GRID = TimeGrid.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 30);

  private static double[] group(FkcResult r, int g) {
    return Arrays.copyOfRange(r.samples(), g * r.particles() * r.dimension(), (g + 1) * r.particles() * r.dimension());
  }

  private static double[] weights(FkcResult r, int g) {
    return Arrays.copyOfRange(r.weights(), g * r.particles(), (g + 1) * r.particles());
  }

  private static int[] lineage(FkcResult r, int g) {
    return Arrays.copyOfRange(r.lineage(), g * r.particles(), (g + 1) * r.particles());
  }

  @Test
  void aGroupDoesNotDependOnItsBatch() {
    ProductOfExperts target = FkcProductOfExpertsTest.target();
    GaussianDraws draws = new GaussianDraws(12);
    for (FkcSettings settings : new FkcSettings[] {FkcSettings.of(8),
        new FkcSettings(8, 0.7, true, new SdeDpmSolverSettings(1, DpmSolverSettings.SolverType.MIDPOINT, true, false))}) {
      FkcSampler s = new FkcSampler(GRID, settings);
      FkcResult all = s.sample(target, new long[] {11, 12, 13}, draws);
      FkcResult alone = s.sample(target, new long[] {12}, draws);
      FkcResult reordered = s.sample(target, new long[] {13, 12}, draws);
      assertArrayEquals(group(all, 1), group(alone, 0), 0.0, "samples of group 12");
      assertArrayEquals(group(all, 1), group(reordered, 1), 0.0, "samples of group 12 after reordering");
      assertArrayEquals(weights(all, 1), weights(alone, 0), 0.0, "weights of group 12");
      assertArrayEquals(lineage(all, 1), lineage(alone, 0), "lineage of group 12");
      assertArrayEquals(all.essTrace()[1], alone.essTrace()[0], 0.0, "ESS trace of group 12");
      assertEquals(all.resamplings()[1], alone.resamplings()[0]);
      assertFalse(Arrays.equals(group(alone, 0), group(s.sample(target, new long[] {12}, new GaussianDraws(13)), 0)),
          "another seed gives other draws");
      assertFalse(Arrays.equals(group(all, 0), group(all, 1)), "groups have their own draws");
    }
  }

  @Test
  void oneExpertWithExponentOneIsExactlySdeDpmSolverPlusPlus() {
    Denoiser model = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.V);
    ProductOfExperts single = ProductOfExperts.of(java.util.List.of(model), new double[] {1.0});
    GaussianDraws draws = new GaussianDraws(3);
    for (SdeDpmSolverSettings motion : new SdeDpmSolverSettings[] {SdeDpmSolverSettings.DIFFUSERS,
        new SdeDpmSolverSettings(2, DpmSolverSettings.SolverType.HEUN, true, false),
        new SdeDpmSolverSettings(1, DpmSolverSettings.SolverType.MIDPOINT, true, false)}) {
      TimeGrid grid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 20, 0,
          FinalSigma.ZERO);
      FkcResult fkc = new FkcSampler(grid, new FkcSettings(4, 1.0, false, motion)).sample(single, new long[] {7, 8}, draws);
      SampleKey[] keys = {new SampleKey(7, 0), new SampleKey(7, 1), new SampleKey(7, 2), new SampleKey(7, 3),
          new SampleKey(8, 0), new SampleKey(8, 1), new SampleKey(8, 2), new SampleKey(8, 3)};
      SampleBatch sde = new SdeDpmSolverPlusPlus(grid, motion).sample(model, keys, draws);
      assertArrayEquals(sde.samples(), fkc.samples(), 0.0, "FKC with a trivial product must be SDE-DPM-Solver++ " + motion);
      assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, fkc.lineage());
      for (double w : fkc.weights()) {
        assertEquals(0.25, w, 0.0);
      }
      assertEquals(20, fkc.modelCalls());
    }
  }

  @Test
  void lineageWeightsAndEssTraceFollowTheSettings() {
    ProductOfExperts target = FkcProductOfExpertsTest.target();
    GaussianDraws draws = new GaussianDraws(21);
    long[] keys = FkcProductOfExpertsTest.groupKeys(6, 100);
    int k = 16;

    FkcResult never = new FkcSampler(GRID, new FkcSettings(k, 0.0, false, SdeDpmSolverSettings.DIFFUSERS))
        .sample(target, keys, draws);
    for (int g = 0; g < keys.length; g++) {
      assertEquals(0, never.resamplings()[g]);
      int[] identity = new int[k];
      Arrays.setAll(identity, p -> p);
      assertArrayEquals(identity, lineage(never, g), "without resampling every particle is its own ancestor");
      double sum = Arrays.stream(weights(never, g)).sum();
      assertEquals(1.0, sum, 1e-12);
      double[] trace = never.essTrace()[g];
      assertEquals(GRID.steps(), trace.length);
      assertEquals(SystematicResampling.effectiveSize(weights(never, g)), trace[trace.length - 1], 1e-9,
          "the last ESS is that of the output weights");
      for (double e : trace) {
        assertTrue(e >= 1 - 1e-12 && e <= k + 1e-9, "ESS stays in [1, K]: " + e);
      }
      assertTrue(trace[trace.length - 1] < k - 1, "the weights of a product must be non-trivial: " + trace[trace.length - 1]);
    }

    FkcResult every = new FkcSampler(GRID, new FkcSettings(k, 1.0, true, SdeDpmSolverSettings.DIFFUSERS))
        .sample(target, keys, draws);
    int distinctTotal = 0;
    for (int g = 0; g < keys.length; g++) {
      assertEquals(GRID.steps(), every.resamplings()[g], "N - 1 step resamplings plus the final one");
      for (double w : weights(every, g)) {
        assertEquals(1.0 / k, w, 0.0, "equal weights after the final resample");
      }
      int[] lin = lineage(every, g);
      for (int p = 0; p < k; p++) {
        assertTrue(lin[p] >= 0 && lin[p] < k, "lineage ids are initial particle indices");
      }
      distinctTotal += (int) Arrays.stream(lin).distinct().count();
    }
    assertTrue(distinctTotal < keys.length * k, "resampling must merge some lineages: " + distinctTotal);

    assertThrows(IllegalArgumentException.class,
        () -> new FkcSampler(GRID, FkcSettings.of(4)).sample(target, new long[] {1, 1}, draws));
  }

  @Test
  void theWeightIntegrandIsTheProductAndGuidanceFormula() {
    Denoiser c = new GaussianMixtureDenoiser(FkcProductOfExpertsTest.first(), PredictionType.EPSILON);
    Denoiser u = new GaussianMixtureDenoiser(FkcProductOfExpertsTest.second(), PredictionType.SAMPLE);
    double[] x = {0.3, -1.2, 2.0, 0.7, -0.4, 0.1};
    NoiseLevel level = NoiseLevel.ofLogAlpha(0.4, -0.35);
    double a = level.alpha();
    double s2 = level.sigma() * level.sigma();
    double[] xc = new double[6];
    double[] xu = new double[6];
    ModelEvaluation.call(c, x, 3, level, 0, xc, null);
    ModelEvaluation.call(u, x, 3, level, 0, xu, null);
    for (double w : new double[] {2.5, -0.5}) {
      double[] data = new double[6];
      double[] q = new double[3];
      ProductOfExperts.guided(c, u, w).evaluate(x, 3, level, 0, data, q);
      double[] pq = new double[3];
      double[] pdata = new double[6];
      ProductOfExperts.product(c, u).evaluate(x, 3, level, 0, pdata, pq);
      for (int r = 0; r < 3; r++) {
        double diff2 = 0;
        double dot = 0;
        for (int i = 0; i < 2; i++) {
          int j = 2 * r + i;
          double sc = (a * xc[j] - x[j]) / s2;
          double su = (a * xu[j] - x[j]) / s2;
          diff2 += (sc - su) * (sc - su);
          dot += sc * su;
          assertEquals(w * xc[j] + (1 - w) * xu[j], data[j], 1e-12, "CFG data prediction");
          assertEquals(xc[j] + xu[j] - x[j] / a, pdata[j], 1e-12, "product data prediction (B = 2)");
        }
        assertEquals(w * (w - 1) * diff2, q[r], 1e-9 * Math.max(1, Math.abs(q[r])), "CFG: b (b - 1) |s_c - s_u|^2");
        assertEquals(2 * dot, pq[r], 1e-9 * Math.max(1, Math.abs(pq[r])), "product: 2 s_1 . s_2");
      }
    }
  }
}
