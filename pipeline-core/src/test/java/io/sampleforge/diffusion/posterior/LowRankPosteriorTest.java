package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.errors.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The low-rank posterior of a diagonal prior against {@link ExactPosterior#of} (dense gain form): same
 * weights, means and covariances to 1e-10; its Matheron draws have the mixture's mean and covariance
 * (sample moments within a few standard errors); full-covariance priors are refused by name.
 */
class LowRankPosteriorTest {
  private static final double[] W = {0.5, 0.3, 0.2};
  private static final double[][] MEANS = {{-2.0, 1.0, 0.0}, {2.0, 0.5, 1.0}, {0.5, -2.5, -1.0}};
  private static final double[][] VARS = {{1.0, 0.6, 0.5}, {0.5, 0.8, 0.4}, {1.0, 1.0, 1.0}};

  private static Measurement measurement() {
    double[][] a = {{1.0, -0.5, 0.3}, {0.2, 0.8, -1.1}};
    return new Measurement(5, new DenseLinearOperator(a, 0.7), new double[] {0.4, -1.3});
  }

  @Test
  void equalsTheDensePosterior() {
    GaussianMixture prior = GaussianMixture.diagonal(W, MEANS, VARS);
    Measurement y = measurement();
    LowRankPosterior lr = LowRankPosterior.of(prior, y);
    GaussianMixture ex = ExactPosterior.of(prior, y);
    assertEquals(ex.components(), lr.components());
    for (int k = 0; k < ex.components(); k++) {
      assertEquals(ex.weight(k), lr.weight(k), 1e-10, "weight " + k);
      double[] m = lr.mean(k);
      double[][] p = lr.covariance(k);
      double[][] q = ex.covariance(k);
      for (int i = 0; i < 3; i++) {
        assertEquals(ex.mean(k)[i], m[i], 1e-10, "mean " + k + "," + i);
        for (int j = 0; j < 3; j++) {
          assertEquals(q[i][j], p[i][j], 1e-10, "covariance " + k + " [" + i + "][" + j + "]");
        }
      }
    }
  }

  @Test
  void drawsHaveTheMixtureMoments() {
    GaussianMixture prior = GaussianMixture.diagonal(W, MEANS, VARS);
    Measurement y = measurement();
    GaussianMixture ex = ExactPosterior.of(prior, y);
    int n = 40_000;
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[] x = LowRankPosterior.of(prior, y).sample(11, keys);
    double[] mean = MixtureMoments.mean(x, null, 3);
    double[][] cov = MixtureMoments.covariance(x, null, 3);
    double[] m = MixtureMoments.mean(ex);
    double[][] c = MixtureMoments.covariance(ex);
    for (int i = 0; i < 3; i++) {
      double se = Math.sqrt(c[i][i] / n);
      assertEquals(m[i], mean[i], 5 * se, "mean " + i);
      for (int j = 0; j < 3; j++) {
        // var of a product of (near-)Gaussian coordinates: c_ii c_jj + c_ij^2; 3x for the mixture's tails
        double seC = Math.sqrt(3 * (c[i][i] * c[j][j] + c[i][j] * c[i][j]) / n);
        assertEquals(c[i][j], cov[i][j], 5 * seC, "covariance [" + i + "][" + j + "]");
      }
    }
    // the draws are not the prior's: the measurement moved the mean by many standard errors
    double[] pm = MixtureMoments.mean(prior);
    double moved = 0;
    for (int i = 0; i < 3; i++) {
      moved = Math.max(moved, Math.abs(pm[i] - m[i]) / Math.sqrt(c[i][i] / n));
    }
    assertTrue(moved > 20, "posterior mean too close to the prior's for the test to have power: " + moved);
  }

  @Test
  void refusesFullCovariances() {
    GaussianMixture full = ExactPosterior.of(GaussianMixture.diagonal(W, MEANS, VARS), measurement());
    ConfigException e = assertThrows(ConfigException.class, () -> LowRankPosterior.of(full, measurement()));
    assertTrue(e.getMessage().contains("gmm.covariances[0]") && e.getMessage().contains("diagonal"), e.getMessage());
  }
}
