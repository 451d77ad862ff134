package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * The exact posterior of a Gaussian-mixture prior with diagonal covariances under y = A x + eta, eta ~
 * N(0, sigma_y^2 I_m), kept in low-rank form so that D in the thousands costs no D x D matrix. It is
 * the mixture of {@link ExactPosterior#of} (same weights w~_k, means m_k = mu_k + G_k (y - A mu_k) and
 * covariances P_k = S_k' - G_k A S_k', S_k' = diag(s_k) the prior's, G_k = S_k' A^T S_k^-1, S_k = A S_k'
 * A^T + sigma_y^2 I), but stores only G_k (D x m) per component. Draws use Matheron's rule (conditioning
 * by perturbation; e.g. Wilson et al., "Efficiently sampling functions from Gaussian process
 * posteriors", ICML 2020, eq. 4): with x ~ N(mu_k, S_k') and e ~ N(0, sigma_y^2 I), x + G_k (y - A x - e)
 * ~ N(m_k, P_k) exactly (its covariance is S' - 2 G A S' + G S G^T = S' - G A S'). Components whose
 * weight underflows to 0 are dropped, as in {@link ExactPosterior}. Cost: O(K (m D + m^3)) to build (plus
 * O(m D^2) to read a dense A by columns), O(D m) per draw; memory O(K m D).
 */
public final class LowRankPosterior {
  private final int dimension;
  private final MeasurementOperator op;
  private final double[] y;
  private final double[] weights;
  private final double[][] priorMeans;
  private final double[][] priorSd;
  private final double[][] means;
  /** G_k^T, m x D, row-major. */
  private final double[][][] gainT;

  private LowRankPosterior(int dimension, MeasurementOperator op, double[] y, double[] weights, double[][] priorMeans,
      double[][] priorSd, double[][] means, double[][][] gainT) {
    this.dimension = dimension;
    this.op = op;
    this.y = y;
    this.weights = weights;
    this.priorMeans = priorMeans;
    this.priorSd = priorSd;
    this.means = means;
    this.gainT = gainT;
  }

  /** The posterior of x given one measurement under a prior whose every component is diagonal. */
  public static LowRankPosterior of(GaussianMixture prior, Measurement measurement) {
    if (prior == null) {
      throw ConfigException.of("gmm", "is required", null);
    }
    MeasurementOperator op = measurement.operator();
    int d = prior.dimension();
    if (op.inputDimension() != d) {
      throw ConfigException.of("measurement", "operator input dimension must equal the prior's dimension " + d,
          op.inputDimension());
    }
    int kk = prior.components();
    for (int k = 0; k < kk; k++) {
      if (!prior.isDiagonal(k)) {
        throw ConfigException.of("gmm.covariances[" + k + "]", "must be diagonal for the low-rank posterior "
            + "(use ExactPosterior.of for full covariances)", "full");
      }
    }
    double[][] a = op.matrix();
    int m = op.outputDimension();
    double[] yy = measurement.y();
    double s2 = op.noiseSigma() * op.noiseSigma();
    double[] logw = new double[kk];
    double[][] mus = new double[kk][];
    double[][] sds = new double[kk][];
    double[][] post = new double[kk][];
    double[][][] gt = new double[kk][][];
    for (int k = 0; k < kk; k++) {
      double[] v = prior.diagonalVariances(k);
      double[] mu = prior.mean(k);
      // A S' (m x D) and S = A S' A^T + sigma_y^2 I
      double[][] as = new double[m][d];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < d; j++) {
          as[i][j] = a[i][j] * v[j];
        }
      }
      double[][] s = new double[m][m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j <= i; j++) {
          double acc = 0;
          for (int c = 0; c < d; c++) {
            acc += as[i][c] * a[j][c];
          }
          s[i][j] = acc;
          s[j][i] = acc;
        }
        s[i][i] += s2;
      }
      Matrices.Cholesky chol = new Matrices.Cholesky(s,
          "A Sigma_" + k + " A^T + sigma_y^2 I (the measurement covariance of component " + k + ")");
      double[] resid = Matrices.multiply(a, mu);
      for (int i = 0; i < m; i++) {
        resid[i] = yy[i] - resid[i];
      }
      logw[k] = Math.log(prior.weight(k)) + chol.logGaussian(resid);
      gt[k] = chol.solveColumns(as); // S^-1 A S' = G^T
      double[] mean = mu.clone();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < d; j++) {
          mean[j] += gt[k][i][j] * resid[i];
        }
      }
      double[] sd = new double[d];
      for (int j = 0; j < d; j++) {
        sd[j] = Math.sqrt(v[j]);
      }
      mus[k] = mu;
      sds[k] = sd;
      post[k] = mean;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logw) {
      max = Math.max(max, l);
    }
    int kept = 0;
    double[] w = new double[kk];
    double total = 0;
    for (int k = 0; k < kk; k++) {
      w[k] = Math.exp(logw[k] - max);
      total += w[k];
      if (w[k] > 0) {
        kept++;
      }
    }
    double[] weights = new double[kept];
    double[][] pm = new double[kept][];
    double[][] ps = new double[kept][];
    double[][] me = new double[kept][];
    double[][][] g = new double[kept][][];
    int j = 0;
    for (int k = 0; k < kk; k++) {
      if (w[k] > 0) {
        weights[j] = w[k] / total;
        pm[j] = mus[k];
        ps[j] = sds[k];
        me[j] = post[k];
        g[j] = gt[k];
        j++;
      }
    }
    return new LowRankPosterior(d, op, yy, weights, pm, ps, me, g);
  }

  public int dimension() {
    return dimension;
  }

  /** Components kept (posterior weight > 0 in float64). */
  public int components() {
    return weights.length;
  }

  /** Kept component k's posterior weight (normalised). */
  public double weight(int k) {
    return weights[k];
  }

  /** Kept component k's posterior mean m_k (a copy). */
  public double[] mean(int k) {
    return means[k].clone();
  }

  /** Kept component k's posterior covariance P_k = S' - G A S' as a D x D matrix (O(m D^2); for tests). */
  public double[][] covariance(int k) {
    int d = dimension;
    double[][] a = op.matrix();
    double[][] p = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int c = 0; c < d; c++) {
        double acc = 0;
        for (int r = 0; r < a.length; r++) {
          // (G A S')_{ic} = sum_r G^T_{ri} A_{rc} s_c
          acc += gainT[k][r][i] * a[r][c] * priorSd[k][c] * priorSd[k][c];
        }
        p[i][c] = (i == c ? priorSd[k][i] * priorSd[k][i] : 0.0) - acc;
      }
    }
    return Matrices.symmetrise(p);
  }

  /** One exact draw per key (rows x D), keyed by (seed, {@link RandomPurpose#POSTERIOR_EXACT_DRAW}, key). */
  public double[] sample(long seed, SampleKey[] keys) {
    int d = dimension;
    int m = y.length;
    double[] out = new double[keys.length * d];
    double[] x = new double[d];
    double[] r = new double[m];
    for (int row = 0; row < keys.length; row++) {
      KeyedStream s = KeyedStream.of(seed, RandomPurpose.POSTERIOR_EXACT_DRAW,
          Hash64.combine(keys[row].recordKey(), keys[row].sampleIndex()));
      double u = s.uniform(2L * (d + m));
      int k = 0;
      double c = 0;
      for (; k < weights.length - 1; k++) {
        c += weights[k];
        if (u < c) {
          break;
        }
      }
      for (int i = 0; i < d; i++) {
        x[i] = priorMeans[k][i] + priorSd[k][i] * s.gaussian(i);
      }
      op.apply(x, 0, r, 0);
      double sigma = op.noiseSigma();
      for (int i = 0; i < m; i++) {
        r[i] = y[i] - r[i] - sigma * s.gaussian(d + i);
      }
      int o = row * d;
      for (int i = 0; i < d; i++) {
        double acc = x[i];
        for (int j = 0; j < m; j++) {
          acc += gainT[k][j][i] * r[j];
        }
        out[o + i] = acc;
      }
    }
    return out;
  }
}
