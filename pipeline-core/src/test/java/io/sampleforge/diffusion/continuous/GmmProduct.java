package io.sampleforge.diffusion.continuous;

/**
 * Test oracle: the normalised product of two 2-D Gaussian mixtures in closed form. For components i
 * of a and j of b the product component has precision P^-1 = Sigma_i^-1 + Sigma_j^-1, mean
 * P (Sigma_i^-1 mu_i + Sigma_j^-1 mu_j) and weight proportional to w_i w_j N(mu_i; mu_j, Sigma_i +
 * Sigma_j) (the Gaussian product identity). Also its exact moments and the mass of {x_0 > 0}.
 */
final class GmmProduct {
  private GmmProduct() {}

  static GaussianMixture of(GaussianMixture a, GaussianMixture b) {
    int n = a.components() * b.components();
    double[] logw = new double[n];
    double[][] means = new double[n][];
    double[][][] covs = new double[n][][];
    int c = 0;
    for (int i = 0; i < a.components(); i++) {
      for (int j = 0; j < b.components(); j++) {
        double[][] si = a.covariance(i);
        double[][] sj = b.covariance(j);
        double[][] pi = inverse(si);
        double[][] pj = inverse(sj);
        double[][] p = inverse(add(pi, pj));
        double[] mi = a.mean(i);
        double[] mj = b.mean(j);
        double[] v = add(times(pi, mi), times(pj, mj));
        means[c] = times(p, v);
        covs[c] = symmetric(p);
        double[][] s = add(si, sj);
        double[] diff = {mi[0] - mj[0], mi[1] - mj[1]};
        double[] sd = times(inverse(s), diff);
        double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
        logw[c] = Math.log(a.weight(i) * b.weight(j)) - Math.log(2 * Math.PI) - 0.5 * Math.log(det)
            - 0.5 * (diff[0] * sd[0] + diff[1] * sd[1]);
        c++;
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logw) {
      max = Math.max(max, l);
    }
    double[] w = new double[n];
    for (int k = 0; k < n; k++) {
      w[k] = Math.exp(logw[k] - max);
    }
    return GaussianMixture.full(w, means, covs);
  }

  /** E[x_i]. */
  static double mean(GaussianMixture g, int i) {
    double s = 0;
    for (int k = 0; k < g.components(); k++) {
      s += g.weight(k) * g.mean(k)[i];
    }
    return s;
  }

  /** E[x_i^2]. */
  static double secondMoment(GaussianMixture g, int i) {
    double s = 0;
    for (int k = 0; k < g.components(); k++) {
      double m = g.mean(k)[i];
      s += g.weight(k) * (g.covariance(k)[i][i] + m * m);
    }
    return s;
  }

  /** P(x_0 > 0) = sum_k w_k Phi(mu_k0 / sd_k0). */
  static double massRight(GaussianMixture g) {
    double s = 0;
    for (int k = 0; k < g.components(); k++) {
      s += g.weight(k) * normalCdf(g.mean(k)[0] / Math.sqrt(g.covariance(k)[0][0]));
    }
    return s;
  }

  /** Phi(z) by composite Simpson integration of the density over [0, |z|] (error far below 1e-9). */
  static double normalCdf(double z) {
    int n = 4000;
    double b = Math.abs(z);
    double h = b / n;
    double s = 0;
    for (int i = 0; i <= n; i++) {
      double x = i * h;
      double f = Math.exp(-0.5 * x * x);
      s += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * f;
    }
    double half = s * h / 3 / Math.sqrt(2 * Math.PI);
    return z >= 0 ? 0.5 + half : 0.5 - half;
  }

  private static double[][] inverse(double[][] m) {
    double det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    return new double[][] {{m[1][1] / det, -m[0][1] / det}, {-m[1][0] / det, m[0][0] / det}};
  }

  private static double[][] add(double[][] a, double[][] b) {
    return new double[][] {{a[0][0] + b[0][0], a[0][1] + b[0][1]}, {a[1][0] + b[1][0], a[1][1] + b[1][1]}};
  }

  private static double[] add(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1]};
  }

  private static double[] times(double[][] m, double[] v) {
    return new double[] {m[0][0] * v[0] + m[0][1] * v[1], m[1][0] * v[0] + m[1][1] * v[1]};
  }

  private static double[][] symmetric(double[][] m) {
    double off = 0.5 * (m[0][1] + m[1][0]);
    return new double[][] {{m[0][0], off}, {off, m[1][1]}};
  }
}
