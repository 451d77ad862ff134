package io.sampleforge.diffusion.continuous;

/**
 * A diagonal Gaussian-mixture prior sum_k w_k N(mu_k, diag(v_k)) written as a native VE / EDM denoiser,
 * independently of {@link GaussianMixtureDenoiser}: x = x0 + s eps is the mixture with covariances C_k =
 * diag(v_k) + s^2 I, responsibilities r_k proportional to w_k N(x; mu_k, C_k), and D(x; s) = E[x0 | x] =
 * sum_k r_k [mu_k + v_k / (v_k + s^2) (x - mu_k)]; eps = (x - D) / s when declared.
 */
final class VeGaussianMixture implements VeDenoiser {
  final double[] w;
  final double[][] mu;
  final double[][] v;
  private final PredictionType type;
  int calls;

  VeGaussianMixture(double[] w, double[][] mu, double[][] v, PredictionType type) {
    this.w = w;
    this.mu = mu;
    this.v = v;
    this.type = type;
  }

  /** The test prior: three 2-D components. */
  static VeGaussianMixture standard(PredictionType type) {
    return new VeGaussianMixture(new double[] {0.5, 0.3, 0.2}, new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][] {{0.4, 0.3}, {0.2, 0.5}, {0.3, 0.1}}, type);
  }

  /** The same prior for exact draws. */
  GaussianMixture prior() {
    return GaussianMixture.diagonal(w, mu, v);
  }

  @Override
  public int dimension() {
    return mu[0].length;
  }

  @Override
  public PredictionType predictionType() {
    return type;
  }

  @Override
  public void predict(double[] x, double[] sigmas, double[] out) {
    calls++;
    int d = dimension();
    int kk = w.length;
    double[] logr = new double[kk];
    for (int r = 0; r < sigmas.length; r++) {
      double s2 = sigmas[r] * sigmas[r];
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < kk; k++) {
        double lp = Math.log(w[k]);
        for (int j = 0; j < d; j++) {
          double c = v[k][j] + s2;
          double e = x[r * d + j] - mu[k][j];
          lp -= 0.5 * (Math.log(2 * Math.PI * c) + e * e / c);
        }
        logr[k] = lp;
        best = Math.max(best, lp);
      }
      double total = 0;
      for (int k = 0; k < kk; k++) {
        logr[k] = Math.exp(logr[k] - best);
        total += logr[k];
      }
      for (int j = 0; j < d; j++) {
        double xj = x[r * d + j];
        double e = 0;
        for (int k = 0; k < kk; k++) {
          e += logr[k] / total * (mu[k][j] + v[k][j] / (v[k][j] + s2) * (xj - mu[k][j]));
        }
        out[r * d + j] = type == PredictionType.SAMPLE ? e : (xj - e) / sigmas[r];
      }
    }
  }
}
