package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.errors.ConfigException;

/**
 * The exact denoiser of a {@link GaussianMixture} prior under x_t = alpha x0 + sigma eps with its
 * Jacobian in closed form. The data prediction is that of {@code GaussianMixtureDenoiser}
 * (shared/notes/samplers.md section 6): with C_k = alpha^2 Sigma_k + sigma^2 I, responsibilities r_k
 * proportional to w_k N(x; alpha mu_k, C_k) and component means m_k = mu_k + alpha Sigma_k C_k^-1 (x -
 * alpha mu_k), x0_hat = sum_k r_k m_k. Its Jacobian is Tweedie's second-order identity
 * d E[x0 | x_t] / d x_t = (alpha / sigma^2) Cov[x0 | x_t] (Efron 2011, "Tweedie's formula and selection
 * bias"; symmetric), with Cov[x0 | x_t] = sum_k r_k (P_k + m_k m_k^T) - x0_hat x0_hat^T and P_k =
 * Sigma_k - alpha^2 Sigma_k C_k^-1 Sigma_k.
 *
 * <p><b>Full components</b> cost O(K D^3) per call for the per-component factors, then O(K D^2) per row
 * for x0_hat and per row for each product; memory O(rows K D) (the m_k are kept).
 *
 * <p><b>Diagonal components</b> ({@link GaussianMixture#isDiagonal}, e.g. the identity covariances of the
 * MCGdiff grid benchmark) take a fast path with no D x D matrix: C_k, the gain alpha Sigma_k C_k^-1 and
 * P_k are diagonal (c_i = alpha^2 s_i + sigma^2, gain_i = alpha s_i / c_i, p_i = s_i sigma^2 / c_i), so
 * the set-up is O(K D) per call and x0_hat and each product cost O(K D) per row; m_k is recomputed in
 * the product instead of kept, so memory is O(rows (K + D)). Both paths skip components whose
 * responsibility is exactly 0 (underflow) in the sums, which changes no value. The fast path equals
 * the dense one to rounding (GaussianMixtureJacobianTest checks 1e-10).
 */
public final class GaussianMixtureJacobian implements DifferentiableDenoiser {
  private final GaussianMixture prior;

  public GaussianMixtureJacobian(GaussianMixture prior) {
    if (prior == null) {
      throw ConfigException.of("gmm", "is required", null);
    }
    this.prior = prior;
  }

  public GaussianMixture prior() {
    return prior;
  }

  @Override
  public int dimension() {
    return prior.dimension();
  }

  @Override
  public Linearisation linearise(double[] x, int rows, NoiseLevel level) {
    int d = prior.dimension();
    int kk = prior.components();
    if (x.length != rows * d) {
      throw new IllegalArgumentException("x holds " + x.length + " values, expected rows " + rows + " x D " + d);
    }
    double a = level.alpha();
    double s2 = level.sigma() * level.sigma();
    if (!(s2 > 0)) {
      throw new IllegalArgumentException("the denoiser needs sigma > 0; got " + level);
    }
    double[][] mu = new double[kk][];
    double[] logWeight = new double[kk];
    // full components: the gain alpha Sigma C^-1, P and the Cholesky factor of C
    double[][][] gain = new double[kk][][];
    double[][][] post = new double[kk][][];
    Matrices.Cholesky[] chol = new Matrices.Cholesky[kk];
    // diagonal components: gain_i, p_i, 1 / c_i and the density's constant -0.5 sum_i log(2 pi c_i)
    double[][] gainDiag = new double[kk][];
    double[][] postDiag = new double[kk][];
    double[][] precDiag = new double[kk][];
    double[] logNorm = new double[kk];
    boolean anyFull = false;
    for (int k = 0; k < kk; k++) {
      mu[k] = prior.mean(k);
      logWeight[k] = Math.log(prior.weight(k));
      if (prior.isDiagonal(k)) {
        double[] v = prior.diagonalVariances(k);
        gainDiag[k] = new double[d];
        postDiag[k] = new double[d];
        precDiag[k] = new double[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
          double c = a * a * v[i] + s2;
          gainDiag[k][i] = a * v[i] / c;
          postDiag[k][i] = v[i] * s2 / c;
          precDiag[k][i] = 1.0 / c;
          norm += Math.log(2 * Math.PI * c);
        }
        logNorm[k] = -0.5 * norm;
      } else {
        anyFull = true;
        denseFactors(k, d, a, s2, gain, post, chol);
      }
    }
    double[] xs = x.clone();
    double[] resp = new double[rows * kk];
    double[] means = anyFull ? new double[rows * kk * d] : null;
    double[] data = new double[rows * d];
    double[] diff = new double[d];
    double[] logp = new double[kk];
    for (int r = 0; r < rows; r++) {
      int xo = r * d;
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < kk; k++) {
        for (int i = 0; i < d; i++) {
          diff[i] = xs[xo + i] - a * mu[k][i];
        }
        if (gainDiag[k] != null) {
          double q = 0;
          for (int i = 0; i < d; i++) {
            q += diff[i] * diff[i] * precDiag[k][i];
          }
          logp[k] = logWeight[k] + logNorm[k] - 0.5 * q;
        } else {
          logp[k] = logWeight[k] + chol[k].logGaussian(diff);
          int off = (r * kk + k) * d;
          for (int i = 0; i < d; i++) {
            double acc = mu[k][i];
            for (int j = 0; j < d; j++) {
              acc += gain[k][i][j] * diff[j];
            }
            means[off + i] = acc;
          }
        }
        best = Math.max(best, logp[k]);
      }
      double total = 0;
      for (int k = 0; k < kk; k++) {
        logp[k] = Math.exp(logp[k] - best);
        total += logp[k];
      }
      for (int k = 0; k < kk; k++) {
        double rk = logp[k] / total;
        resp[r * kk + k] = rk;
        if (rk == 0) {
          continue;
        }
        if (gainDiag[k] != null) {
          for (int i = 0; i < d; i++) {
            data[xo + i] += rk * (mu[k][i] + gainDiag[k][i] * (xs[xo + i] - a * mu[k][i]));
          }
        } else {
          int off = (r * kk + k) * d;
          for (int i = 0; i < d; i++) {
            data[xo + i] += rk * means[off + i];
          }
        }
      }
    }
    double scale = a / s2;
    return new Linearisation() {
      @Override
      public double[] data() {
        return data;
      }

      @Override
      public void vectorJacobianProduct(double[] u, double[] out) {
        if (u.length != rows * d || out.length != rows * d) {
          throw new IllegalArgumentException("u and out must hold rows " + rows + " x D " + d + " values");
        }
        double[] m = new double[d];
        for (int r = 0; r < rows; r++) {
          int xo = r * d;
          double x0u = 0;
          for (int i = 0; i < d; i++) {
            x0u += data[xo + i] * u[xo + i];
          }
          for (int i = 0; i < d; i++) {
            out[xo + i] = -data[xo + i] * x0u;
          }
          for (int k = 0; k < kk; k++) {
            double rk = resp[r * kk + k];
            if (rk == 0) {
              continue;
            }
            if (gainDiag[k] != null) {
              double mu2 = 0;
              for (int i = 0; i < d; i++) {
                m[i] = mu[k][i] + gainDiag[k][i] * (xs[xo + i] - a * mu[k][i]);
                mu2 += m[i] * u[xo + i];
              }
              for (int i = 0; i < d; i++) {
                out[xo + i] += rk * (postDiag[k][i] * u[xo + i] + m[i] * mu2);
              }
              continue;
            }
            int off = (r * kk + k) * d;
            double mu2 = 0;
            for (int i = 0; i < d; i++) {
              mu2 += means[off + i] * u[xo + i];
            }
            for (int i = 0; i < d; i++) {
              double pu = 0;
              for (int j = 0; j < d; j++) {
                pu += post[k][i][j] * u[xo + j];
              }
              out[xo + i] += rk * (pu + means[off + i] * mu2);
            }
          }
          for (int i = 0; i < d; i++) {
            out[xo + i] *= scale;
          }
        }
      }
    };
  }

  /** Component k's dense factors: Cholesky of C_k, the gain alpha Sigma_k C_k^-1 and P_k. O(D^3). */
  private void denseFactors(int k, int d, double a, double s2, double[][][] gain, double[][][] post,
      Matrices.Cholesky[] chol) {
    double[][] sigma = prior.covariance(k);
    double[][] c = new double[d][d];
    double[][] aSigma = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        c[i][j] = a * a * sigma[i][j] + (i == j ? s2 : 0.0);
        aSigma[i][j] = a * sigma[i][j];
      }
    }
    chol[k] = new Matrices.Cholesky(c, "alpha^2 Sigma_" + k + " + sigma^2 I");
    // C^-1 (alpha Sigma) = (alpha Sigma C^-1)^T: the gain's transpose (C and Sigma commute: the gain is symmetric)
    double[][] gainT = chol[k].solveColumns(aSigma);
    gain[k] = Matrices.symmetrise(Matrices.transpose(gainT));
    double[][] reduce = Matrices.multiply(gain[k], aSigma);
    double[][] p = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        p[i][j] = sigma[i][j] - reduce[i][j];
      }
    }
    post[k] = Matrices.symmetrise(p);
  }
}
