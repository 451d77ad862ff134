package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.errors.ConfigException;

/**
 * Closed-form posteriors under a {@link GaussianMixture} prior sum_k w_k N(mu_k, Sigma_k)
 * (shared/notes/samplers.md section 6, "Linear-Gaussian inverse problem with a GMM prior"; Bishop,
 * Pattern Recognition and Machine Learning, section 2.3.3, per component; the weights are each
 * component's evidence):
 * <ul>
 *   <li>{@link #of}: y = A x + eta, eta ~ N(0, sigma_y^2 I). The posterior is sum_k w~_k N(m_k, P_k)
 *       with P_k = (Sigma_k^-1 + A^T A / sigma_y^2)^-1, m_k = P_k (Sigma_k^-1 mu_k + A^T y / sigma_y^2)
 *       and w~_k proportional to w_k N(y; A mu_k, S_k), S_k = A Sigma_k A^T + sigma_y^2 I (log-space).
 *       It is computed in the equivalent gain form (Woodbury): G_k = Sigma_k A^T S_k^-1, m_k = mu_k +
 *       G_k (y - A mu_k), P_k = Sigma_k - G_k A Sigma_k, which needs only S_k positive definite, so it
 *       also holds for sigma_y = 0 and singular Sigma_k (point masses).</li>
 *   <li>{@link #missingGivenObserved}: for a {@link MaskOperator}, the law of the missing coordinates
 *       given y = x_O + eta: per component mu_M + Sigma_MO S^-1 (y - mu_O), Sigma_MM - Sigma_MO S^-1
 *       Sigma_OM with S = Sigma_OO + sigma_y^2 I, weights w_k N(y; mu_O, S) (the conditional Gaussian;
 *       sigma_y = 0 is exact imputation).</li>
 * </ul>
 * Components whose posterior weight underflows to 0 in float64 (log-ratio below about -745) are
 * dropped. The result is a {@link GaussianMixture}, so {@code GaussianDraws.exactSamples} draws from
 * it. Cost per measurement: O(K (D^2 m + D m^2 + m^3 + D^3)), the D^3 being the mixture's
 * eigen-decomposition of each P_k.
 */
public final class ExactPosterior {
  private ExactPosterior() {}

  /** The posterior of x given one measurement. */
  public static GaussianMixture of(GaussianMixture prior, Measurement measurement) {
    MeasurementOperator op = measurement.operator();
    checkDimension(prior, op);
    double[][] a = op.matrix();
    double[][] at = Matrices.transpose(a);
    double[] y = measurement.y();
    int kk = prior.components();
    int m = op.outputDimension();
    double s2 = op.noiseSigma() * op.noiseSigma();
    double[] logw = new double[kk];
    double[][] means = new double[kk][];
    double[][][] covs = new double[kk][][];
    for (int k = 0; k < kk; k++) {
      double[][] sigma = prior.covariance(k);
      double[] mu = prior.mean(k);
      double[][] sigmaAt = Matrices.multiply(sigma, at);
      double[][] s = Matrices.multiply(a, sigmaAt);
      for (int i = 0; i < m; i++) {
        s[i][i] += s2;
      }
      Matrices.Cholesky chol = new Matrices.Cholesky(Matrices.symmetrise(s),
          "A Sigma_" + k + " A^T + sigma_y^2 I (the measurement covariance of component " + k + ")");
      double[] resid = Matrices.multiply(a, mu);
      for (int i = 0; i < m; i++) {
        resid[i] = y[i] - resid[i];
      }
      logw[k] = Math.log(prior.weight(k)) + chol.logGaussian(resid);
      // G = Sigma A^T S^-1, so G^T = S^-1 A Sigma (S, Sigma symmetric)
      double[][] gainT = chol.solveColumns(Matrices.transpose(sigmaAt));
      double[] shift = Matrices.multiply(Matrices.transpose(gainT), resid);
      double[] mean = new double[mu.length];
      for (int i = 0; i < mu.length; i++) {
        mean[i] = mu[i] + shift[i];
      }
      double[][] reduce = Matrices.multiply(sigmaAt, gainT); // Sigma A^T S^-1 A Sigma = G A Sigma
      double[][] p = new double[mu.length][mu.length];
      for (int i = 0; i < mu.length; i++) {
        for (int j = 0; j < mu.length; j++) {
          p[i][j] = sigma[i][j] - reduce[i][j];
        }
      }
      means[k] = mean;
      covs[k] = clampDiagonal(Matrices.symmetrise(p));
    }
    return mixture(logw, means, covs);
  }

  /** The law of the missing coordinates (in increasing order) of a masked row given y = x_O + eta. */
  public static GaussianMixture missingGivenObserved(GaussianMixture prior, MaskOperator mask, double[] y) {
    checkDimension(prior, mask);
    Measurement checked = new Measurement(0, mask, y);
    double[] obsY = checked.y();
    int[] o = mask.observedIndices();
    int[] mi = mask.missingIndices();
    if (mi.length == 0) {
      throw new IllegalArgumentException("the mask observes every coordinate: no missing coordinates to condition");
    }
    double s2 = mask.noiseSigma() * mask.noiseSigma();
    int kk = prior.components();
    double[] logw = new double[kk];
    double[][] means = new double[kk][];
    double[][][] covs = new double[kk][][];
    for (int k = 0; k < kk; k++) {
      double[][] sigma = prior.covariance(k);
      double[] mu = prior.mean(k);
      double[][] soo = new double[o.length][o.length];
      double[][] smo = new double[mi.length][o.length];
      double[][] smm = new double[mi.length][mi.length];
      for (int i = 0; i < o.length; i++) {
        for (int j = 0; j < o.length; j++) {
          soo[i][j] = sigma[o[i]][o[j]] + (i == j ? s2 : 0.0);
        }
      }
      for (int i = 0; i < mi.length; i++) {
        for (int j = 0; j < o.length; j++) {
          smo[i][j] = sigma[mi[i]][o[j]];
        }
        for (int j = 0; j < mi.length; j++) {
          smm[i][j] = sigma[mi[i]][mi[j]];
        }
      }
      Matrices.Cholesky chol = new Matrices.Cholesky(soo,
          "Sigma_OO + sigma_y^2 I (the observed block of component " + k + ")");
      double[] resid = new double[o.length];
      for (int i = 0; i < o.length; i++) {
        resid[i] = obsY[i] - mu[o[i]];
      }
      logw[k] = Math.log(prior.weight(k)) + chol.logGaussian(resid);
      double[] solved = chol.solve(resid);
      double[][] somSolved = chol.solveColumns(Matrices.transpose(smo)); // S^-1 Sigma_OM
      double[][] reduce = Matrices.multiply(smo, somSolved);
      double[] mean = new double[mi.length];
      double[][] cov = new double[mi.length][mi.length];
      for (int i = 0; i < mi.length; i++) {
        double acc = mu[mi[i]];
        for (int j = 0; j < o.length; j++) {
          acc += smo[i][j] * solved[j];
        }
        mean[i] = acc;
        for (int j = 0; j < mi.length; j++) {
          cov[i][j] = smm[i][j] - reduce[i][j];
        }
      }
      means[k] = mean;
      covs[k] = clampDiagonal(Matrices.symmetrise(cov));
    }
    return mixture(logw, means, covs);
  }

  private static GaussianMixture mixture(double[] logw, double[][] means, double[][][] covs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logw) {
      max = Math.max(max, l);
    }
    int kept = 0;
    double[] w = new double[logw.length];
    for (int k = 0; k < logw.length; k++) {
      w[k] = Math.exp(logw[k] - max);
      if (w[k] > 0) {
        kept++;
      }
    }
    double[] weights = new double[kept];
    double[][] mu = new double[kept][];
    double[][][] c = new double[kept][][];
    int j = 0;
    for (int k = 0; k < logw.length; k++) {
      if (w[k] > 0) {
        weights[j] = w[k];
        mu[j] = means[k];
        c[j] = covs[k];
        j++;
      }
    }
    return GaussianMixture.full(weights, mu, c);
  }

  /** Rounding can leave a variance of -1e-17 where the posterior is exact (sigma_y = 0): clamp to 0. */
  private static double[][] clampDiagonal(double[][] p) {
    for (int i = 0; i < p.length; i++) {
      if (p[i][i] < 0) {
        p[i][i] = 0;
      }
    }
    return p;
  }

  private static void checkDimension(GaussianMixture prior, MeasurementOperator op) {
    if (prior == null) {
      throw ConfigException.of("gmm", "is required", null);
    }
    if (op.inputDimension() != prior.dimension()) {
      throw ConfigException.of("measurement", "operator input dimension must equal the prior's dimension " + prior.dimension(),
          op.inputDimension());
    }
  }
}
