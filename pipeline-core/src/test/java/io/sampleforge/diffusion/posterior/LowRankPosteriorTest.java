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

  /**
   * One component, so the draws are Gaussian: their covariance equals P within 5 standard errors, and
   * the term the measurement noise e contributes to it (sigma_y^2 G G^T, computed here by hand) is larger
   * than that tolerance in some entry, so a sampler that dropped e would fail.
   */
  @Test
  void drawsOfOneComponentHaveItsCovariance() {
    GaussianMixture prior = GaussianMixture.diagonal(new double[] {1.0}, new double[][] {MEANS[0]},
        new double[][] {VARS[0]});
    Measurement y = measurement();
    LowRankPosterior lr = LowRankPosterior.of(prior, y);
    double[][] p = lr.covariance(0);
    int n = 100_000;
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[][] cov = MixtureMoments.covariance(lr.sample(3, keys), null, 3);
    // G = S' A^T S^-1 with S = A S' A^T + sigma_y^2 I (2 x 2, inverted by hand)
    double[][] a = {{1.0, -0.5, 0.3}, {0.2, 0.8, -1.1}};
    double s2 = 0.49;
    double[][] s = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        for (int c = 0; c < 3; c++) {
          s[i][j] += a[i][c] * VARS[0][c] * a[j][c];
        }
      }
      s[i][i] += s2;
    }
    double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
    double[][] sInv = {{s[1][1] / det, -s[0][1] / det}, {-s[1][0] / det, s[0][0] / det}};
    double[][] g = new double[3][2];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        for (int r = 0; r < 2; r++) {
          g[i][j] += VARS[0][i] * a[r][i] * sInv[r][j];
        }
      }
    }
    double power = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double tol = 5 * Math.sqrt((p[i][i] * p[j][j] + p[i][j] * p[i][j]) / n);
        assertEquals(p[i][j], cov[i][j], tol, "covariance [" + i + "][" + j + "]");
        double noiseTerm = s2 * (g[i][0] * g[j][0] + g[i][1] * g[j][1]);
        power = Math.max(power, Math.abs(noiseTerm) / tol);
      }
    }
    assertTrue(power > 2, "the noise term sigma_y^2 G G^T must exceed the tolerance for the test to have power: " + power);
  }

  @Test
  void refusesFullCovariances() {
    GaussianMixture full = ExactPosterior.of(GaussianMixture.diagonal(W, MEANS, VARS), measurement());
    ConfigException e = assertThrows(ConfigException.class, () -> LowRankPosterior.of(full, measurement()));
    assertTrue(e.getMessage().contains("gmm.covariances[0]") && e.getMessage().contains("diagonal"), e.getMessage());
  }
}
