package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianMixture;

/** Test helper: a Gaussian mixture's mean and covariance from its components, and sample moments. */
final class MixtureMoments {
  private MixtureMoments() {}

  static double[] mean(GaussianMixture g) {
    int d = g.dimension();
    double[] m = new double[d];
    for (int k = 0; k < g.components(); k++) {
      double[] mu = g.mean(k);
      for (int i = 0; i < d; i++) {
        m[i] += g.weight(k) * mu[i];
      }
    }
    return m;
  }

  static double[][] covariance(GaussianMixture g) {
    int d = g.dimension();
    double[] m = mean(g);
    double[][] c = new double[d][d];
    for (int k = 0; k < g.components(); k++) {
      double[] mu = g.mean(k);
      double[][] s = g.covariance(k);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += g.weight(k) * (s[i][j] + mu[i] * mu[j]);
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        c[i][j] -= m[i] * m[j];
      }
    }
    return c;
  }

  /** The weighted mean of rows (n x d) with weights w (null: equal). */
  static double[] mean(double[] x, double[] w, int d) {
    int n = x.length / d;
    double[] m = new double[d];
    for (int r = 0; r < n; r++) {
      double wr = w == null ? 1.0 / n : w[r];
      for (int i = 0; i < d; i++) {
        m[i] += wr * x[r * d + i];
      }
    }
    return m;
  }

  /** The weighted covariance of rows about their weighted mean. */
  static double[][] covariance(double[] x, double[] w, int d) {
    int n = x.length / d;
    double[] m = mean(x, w, d);
    double[][] c = new double[d][d];
    for (int r = 0; r < n; r++) {
      double wr = w == null ? 1.0 / n : w[r];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += wr * (x[r * d + i] - m[i]) * (x[r * d + j] - m[j]);
        }
      }
    }
    return c;
  }
}
