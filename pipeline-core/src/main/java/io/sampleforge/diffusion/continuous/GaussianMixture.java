package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * A Gaussian-mixture prior sum_k w_k N(mu_k, Sigma_k) on R^D, validated once: weights positive
 * (normalised here), means finite, covariances symmetric positive semi-definite (full) or
 * non-negative variances (diagonal). Zero covariance gives point masses. Each covariance is stored by
 * its eigen-decomposition Sigma_k = V_k diag(s_k) V_k^T (Jacobi, O(K D^3) once), which the exact
 * denoiser and the exact sampler use. Config keys named in errors: {@code gmm.weights},
 * {@code gmm.means}, {@code gmm.covariances}.
 */
public final class GaussianMixture {
  final int dimension;
  final double[] weights;
  final double[][] means;
  /** Eigenvalues s_k (>= 0). */
  final double[][] variances;
  /** Eigenvectors V_k (columns), or null for a diagonal component. */
  final double[][][] axes;

  private GaussianMixture(double[] weights, double[][] means, double[][] variances, double[][][] axes) {
    this.dimension = means[0].length;
    this.weights = weights;
    this.means = means;
    this.variances = variances;
    this.axes = axes;
  }

  /** Components with diagonal covariances diag(vars[k]). */
  public static GaussianMixture diagonal(double[] weights, double[][] means, double[][] vars) {
    double[] w = checkWeightsAndMeans(weights, means);
    int d = means[0].length;
    if (vars == null || vars.length != w.length) {
      throw ConfigException.of("gmm.covariances", "must have one entry per component (" + w.length + ")", vars == null ? null : vars.length);
    }
    double[][] s = new double[w.length][];
    for (int k = 0; k < w.length; k++) {
      if (vars[k] == null || vars[k].length != d) {
        throw ConfigException.of("gmm.covariances[" + k + "]", "must have " + d + " variances", vars[k] == null ? null : vars[k].length);
      }
      for (double x : vars[k]) {
        if (!(x >= 0) || Double.isInfinite(x)) {
          throw ConfigException.of("gmm.covariances[" + k + "]", "must hold finite variances >= 0", x);
        }
      }
      s[k] = vars[k].clone();
    }
    return new GaussianMixture(w, copy(means), s, new double[w.length][][]);
  }

  /** Components with full covariances covs[k] (D x D, symmetric PSD). */
  public static GaussianMixture full(double[] weights, double[][] means, double[][][] covs) {
    double[] w = checkWeightsAndMeans(weights, means);
    int d = means[0].length;
    if (covs == null || covs.length != w.length) {
      throw ConfigException.of("gmm.covariances", "must have one entry per component (" + w.length + ")", covs == null ? null : covs.length);
    }
    double[][] s = new double[w.length][];
    double[][][] v = new double[w.length][][];
    for (int k = 0; k < w.length; k++) {
      String key = "gmm.covariances[" + k + "]";
      double[][] c = covs[k];
      if (c == null || c.length != d) {
        throw ConfigException.of(key, "must be " + d + " x " + d, c == null ? null : c.length + " rows");
      }
      double scale = 0;
      for (int i = 0; i < d; i++) {
        if (c[i] == null || c[i].length != d) {
          throw ConfigException.of(key, "must be " + d + " x " + d, "row " + i);
        }
        for (int j = 0; j < d; j++) {
          if (!Double.isFinite(c[i][j])) {
            throw ConfigException.of(key, "must be finite", c[i][j]);
          }
          scale = Math.max(scale, Math.abs(c[i][j]));
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < i; j++) {
          if (Math.abs(c[i][j] - c[j][i]) > 1e-12 * Math.max(1, scale)) {
            throw ConfigException.of(key, "must be symmetric", "[" + i + "][" + j + "] = " + c[i][j] + " vs " + c[j][i]);
          }
        }
      }
      SymmetricEigen e = SymmetricEigen.of(c);
      for (int i = 0; i < d; i++) {
        if (e.values[i] < -1e-10 * Math.max(1, scale)) {
          throw ConfigException.of(key, "must be positive semi-definite", "eigenvalue " + e.values[i]);
        }
        e.values[i] = Math.max(0, e.values[i]);
      }
      s[k] = e.values;
      v[k] = e.vectors;
    }
    return new GaussianMixture(w, copy(means), s, v);
  }

  public int dimension() {
    return dimension;
  }

  public int components() {
    return weights.length;
  }

  /** Component k's weight (normalised). */
  public double weight(int k) {
    return weights[k];
  }

  /** Component k's mean, a copy. */
  public double[] mean(int k) {
    return means[k].clone();
  }

  /** Whether component k was given as a diagonal covariance ({@link #diagonal}): no axes to rotate by. */
  public boolean isDiagonal(int k) {
    return axes[k] == null;
  }

  /** The variances of diagonal component k, coordinate by coordinate (a copy); O(D). */
  public double[] diagonalVariances(int k) {
    if (axes[k] != null) {
      throw new IllegalStateException("component " + k + " has a full covariance, not a diagonal one");
    }
    return variances[k].clone();
  }

  /** Component k's covariance as a D x D matrix, V diag(s) V^T (diag(s) for a diagonal component). */
  public double[][] covariance(int k) {
    double[][] c = new double[dimension][dimension];
    for (int i = 0; i < dimension; i++) {
      for (int j = 0; j < dimension; j++) {
        if (axes[k] == null) {
          c[i][j] = i == j ? variances[k][i] : 0.0;
        } else {
          double sum = 0;
          for (int m = 0; m < dimension; m++) {
            sum += axes[k][i][m] * variances[k][m] * axes[k][j][m];
          }
          c[i][j] = sum;
        }
      }
    }
    return c;
  }

  /** Writes one exact draw x0 into out[offset .. offset + D): component by the uniform u, then mu + V sqrt(s) z. */
  void sample(double u, double[] z, double[] out, int offset) {
    int k = 0;
    double c = 0;
    for (; k < weights.length - 1; k++) {
      c += weights[k];
      if (u < c) {
        break;
      }
    }
    for (int i = 0; i < dimension; i++) {
      double acc = means[k][i];
      if (axes[k] == null) {
        acc += Math.sqrt(variances[k][i]) * z[i];
      } else {
        for (int j = 0; j < dimension; j++) {
          acc += axes[k][i][j] * Math.sqrt(variances[k][j]) * z[j];
        }
      }
      out[offset + i] = acc;
    }
  }

  private static double[] checkWeightsAndMeans(double[] weights, double[][] means) {
    if (weights == null || weights.length == 0) {
      throw ConfigException.of("gmm.weights", "must hold at least one weight", weights == null ? null : "[]");
    }
    double sum = 0;
    for (double w : weights) {
      if (!(w > 0) || Double.isInfinite(w)) {
        throw ConfigException.of("gmm.weights", "must be finite and > 0", w);
      }
      sum += w;
    }
    if (means == null || means.length != weights.length) {
      throw ConfigException.of("gmm.weights/gmm.means", "must have one mean per weight (" + weights.length + ")", means == null ? null : means.length);
    }
    int d = means[0] == null ? 0 : means[0].length;
    if (d == 0) {
      throw ConfigException.of("gmm.means[0]", "must have dimension >= 1", 0);
    }
    for (int k = 0; k < means.length; k++) {
      if (means[k] == null || means[k].length != d) {
        throw ConfigException.of("gmm.means[" + k + "]", "must have dimension " + d, means[k] == null ? null : means[k].length);
      }
      for (double x : means[k]) {
        if (!Double.isFinite(x)) {
          throw ConfigException.of("gmm.means[" + k + "]", "must be finite", x);
        }
      }
    }
    double[] w = new double[weights.length];
    for (int k = 0; k < w.length; k++) {
      w[k] = weights[k] / sum;
    }
    return w;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
