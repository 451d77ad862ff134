package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.TestStreams;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Systematic resampling, ESS and the FKC configuration: offspring counts are floor or ceil of K w_i and
 * average K w_i over U, ancestors are sorted, the uniform is a function of (seed, group, step) only,
 * ESS of known weights, and bad settings name their keys.
 */
class SystematicResamplingTest {
  private static double[] randomWeights(int k, long key) {
    KeyedStream s = TestStreams.of(9, "fkc-test/weights", key);
    double[] logw = new double[k];
    for (int i = 0; i < k; i++) {
      logw[i] = 3 * s.gaussian(i);
    }
    return SystematicResampling.normalise(logw, 0, k);
  }

  private static int[] offspring(int[] parent, int k) {
    int[] count = new int[k];
    for (int p : parent) {
      count[p]++;
    }
    return count;
  }

  @Test
  void offspringCountsAreFloorOrCeilOfKTimesTheWeight() {
    for (int k : new int[] {1, 2, 7, 16, 100}) {
      for (long key = 0; key < 20; key++) {
        double[] w = randomWeights(k, key * 1000 + k);
        for (double u : new double[] {0.0, 0.5, Math.nextDown(1.0), TestStreams.of(1, "u", key).uniform(k)}) {
          int[] parent = SystematicResampling.ancestors(w, u);
          assertEquals(k, parent.length);
          for (int i = 1; i < k; i++) {
            assertTrue(parent[i] >= parent[i - 1], "ancestors must be sorted");
          }
          int[] count = offspring(parent, k);
          for (int j = 0; j < k; j++) {
            double kw = k * w[j];
            assertTrue(count[j] == Math.floor(kw) || count[j] == Math.ceil(kw),
                "particle " + j + " with K w = " + kw + " got " + count[j] + " offspring (K " + k + ", U " + u + ")");
          }
        }
      }
    }
  }

  @Test
  void offspringAverageKTimesTheWeightOverTheUniform() {
    double[] w = {0.05, 0.4, 0.0, 0.3, 0.25};
    double[] mean = new double[w.length];
    int grid = 10_000;
    for (int i = 0; i < grid; i++) {
      int[] count = offspring(SystematicResampling.ancestors(w, (i + 0.5) / grid), w.length);
      for (int j = 0; j < w.length; j++) {
        mean[j] += count[j] / (double) grid;
      }
    }
    for (int j = 0; j < w.length; j++) {
      assertEquals(w.length * w[j], mean[j], 1e-3, "E[offspring of " + j + "]");
    }
    // exact counts for a hand-checked case: K w = (0.25, 2, 0, 1.5, 1.25), U = 0.1 -> points .02 .22 .42 .62 .82
    assertArrayEquals(new int[] {0, 1, 1, 3, 4}, SystematicResampling.ancestors(w, 0.1));
  }

  @Test
  void effectiveSizeAndNormalisation() {
    double[] logw = {Math.log(2), 0, Math.log(2), 0};
    double[] w = SystematicResampling.normalise(logw, 0, 4);
    assertArrayEquals(new double[] {1 / 3.0, 1 / 6.0, 1 / 3.0, 1 / 6.0}, w, 1e-15);
    assertEquals(1 / (2 / 9.0 + 2 / 36.0), SystematicResampling.effectiveSize(w), 1e-12);
    assertEquals(8.0, SystematicResampling.effectiveSize(SystematicResampling.normalise(new double[8], 0, 8)), 1e-12);
    double[] peaked = SystematicResampling.normalise(new double[] {0, -800, 5, -1e6, 1000, 3}, 1, 5);
    assertEquals(1.0, peaked[3], 0.0, "log-sum-exp must not overflow");
    assertEquals(1.0, SystematicResampling.effectiveSize(peaked), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> SystematicResampling.ancestors(w, 1.0));
    assertThrows(IllegalArgumentException.class,
        () -> SystematicResampling.normalise(new double[] {Double.NaN, 0}, 0, 1));
  }

  @Test
  void theUniformIsKeyedBySeedGroupAndStep() {
    double u = SystematicResampling.uniform(5, 77, 3);
    assertEquals(u, SystematicResampling.uniform(5, 77, 3), 0.0);
    assertNotEquals(u, SystematicResampling.uniform(6, 77, 3));
    assertNotEquals(u, SystematicResampling.uniform(5, 78, 3));
    assertNotEquals(u, SystematicResampling.uniform(5, 77, 4));
    assertTrue(u >= 0 && u < 1);
  }

  @Test
  void badSettingsAndTargetsNameTheirKeys() {
    SdeDpmSolverSettings m = SdeDpmSolverSettings.DIFFUSERS;
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSettings(0, 1.0, false, m)).getMessage()
        .contains("smc.particles"));
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSettings(8, 1.5, false, m)).getMessage()
        .contains("smc.ess_threshold"));
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSettings(8, Double.NaN, false, m)).getMessage()
        .contains("smc.ess_threshold"));
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSettings(8, 0.5, false, null)).getMessage()
        .contains("solver_order"));
    assertTrue(new FkcSettings(8, 1.0, false, m).resamples(8.0), "threshold 1 resamples every step");
    assertTrue(new FkcSettings(8, 0.5, false, m).resamples(3.9));
    assertTrue(!new FkcSettings(8, 0.5, false, m).resamples(4.0));
    assertTrue(!new FkcSettings(8, 0.0, false, m).resamples(1.0), "threshold 0 never resamples");

    Denoiser a = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.EPSILON);
    Denoiser oneD = new GaussianMixtureDenoiser(GaussianMixture.diagonal(new double[] {1}, new double[][] {{0}},
        new double[][] {{1}}), PredictionType.EPSILON);
    assertTrue(assertThrows(ConfigException.class, () -> ProductOfExperts.of(List.of(a, a), new double[] {1}))
        .getMessage().contains("smc.exponents"));
    assertTrue(assertThrows(ConfigException.class, () -> ProductOfExperts.of(List.of(a, a), new double[] {-1, 0.5}))
        .getMessage().contains("smc.exponents"));
    assertTrue(assertThrows(ConfigException.class, () -> ProductOfExperts.of(List.of(a, a), new double[] {1, 0}))
        .getMessage().contains("smc.exponents[1]"));
    assertTrue(assertThrows(ConfigException.class, () -> ProductOfExperts.product(a, oneD)).getMessage()
        .contains("smc.experts[1]"));
    assertTrue(assertThrows(ConfigException.class, () -> ProductOfExperts.of(List.of(), new double[0])).getMessage()
        .contains("smc.experts"));
    assertEquals(1, ProductOfExperts.guided(a, a, 1.0).experts());
    assertEquals(1.0, ProductOfExperts.guided(a, a, 3.0).exponentSum(), 1e-15);
    TimeGrid short1 = TimeGrid.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 1);
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSampler(short1, FkcSettings.of(4))).getMessage()
        .contains("steps"));
  }
}
