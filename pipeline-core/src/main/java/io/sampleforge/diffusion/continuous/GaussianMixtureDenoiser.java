package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * The exact denoiser of a {@link GaussianMixture} prior under a VP process x_t = alpha x0 + sigma eps
 * (shared/notes/samplers.md section 6): with C_k = alpha^2 Sigma_k + sigma^2 I and responsibilities
 * r_k(x) proportional to w_k N(x; alpha mu_k, C_k),
 * E[x0 | x_t] = sum_k r_k [mu_k + alpha Sigma_k C_k^{-1} (x - alpha mu_k)], returned as x0, eps =
 * (x - alpha E) / sigma or v = alpha eps - sigma E as declared. In the eigenbasis of Sigma_k every
 * C_k is diagonal, so a row costs O(K D^2) (O(K D) for diagonal components). Responsibilities are a
 * float64 log-sum-exp. It ignores the model time: only (alpha, sigma) matter.
 */
public final class GaussianMixtureDenoiser implements Denoiser {
  private final GaussianMixture prior;
  private final PredictionType type;

  public GaussianMixtureDenoiser(GaussianMixture prior, PredictionType type) {
    if (prior == null) {
      throw ConfigException.of("gmm", "is required", null);
    }
    if (type == null) {
      throw ConfigException.of("prediction_type", "is required", null);
    }
    this.prior = prior;
    this.type = type;
  }

  public GaussianMixture prior() {
    return prior;
  }

  @Override
  public int dimension() {
    return prior.dimension;
  }

  @Override
  public PredictionType predictionType() {
    return type;
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    int d = prior.dimension;
    int kk = prior.components();
    int rows = levels.length;
    if (x.length != rows * d || out.length != rows * d) {
      throw new IllegalArgumentException("x holds " + x.length + " values, expected rows " + rows + " x D " + d);
    }
    double[] y = new double[d];
    double[] logp = new double[kk];
    double[][] post = new double[kk][d];
    for (int r = 0; r < rows; r++) {
      double a = levels[r].alpha();
      double s2 = levels[r].sigma() * levels[r].sigma();
      int off = r * d;
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < kk; k++) {
        double[] mu = prior.means[k];
        double[] s = prior.variances[k];
        double[][] v = prior.axes[k];
        for (int j = 0; j < d; j++) {
          if (v == null) {
            y[j] = x[off + j] - a * mu[j];
          } else {
            double acc = 0;
            for (int i = 0; i < d; i++) {
              acc += v[i][j] * (x[off + i] - a * mu[i]);
            }
            y[j] = acc;
          }
        }
        double lp = Math.log(prior.weights[k]);
        for (int j = 0; j < d; j++) {
          double c = a * a * s[j] + s2;
          lp -= 0.5 * (Math.log(c) + y[j] * y[j] / c);
          y[j] *= a * s[j] / c; // now the shift in the eigenbasis
        }
        for (int i = 0; i < d; i++) {
          double acc = mu[i];
          if (v == null) {
            acc += y[i];
          } else {
            for (int j = 0; j < d; j++) {
              acc += v[i][j] * y[j];
            }
          }
          post[k][i] = acc;
        }
        logp[k] = lp;
        best = Math.max(best, lp);
      }
      double total = 0;
      for (int k = 0; k < kk; k++) {
        logp[k] = Math.exp(logp[k] - best);
        total += logp[k];
      }
      for (int i = 0; i < d; i++) {
        double e = 0;
        for (int k = 0; k < kk; k++) {
          e += logp[k] * post[k][i];
        }
        e /= total;
        out[off + i] = type.fromData(e, x[off + i], a, levels[r].sigma());
      }
    }
  }
}
