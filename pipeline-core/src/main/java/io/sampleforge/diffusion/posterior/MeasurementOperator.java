package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * A measurement y = A x + eta of a clean row x in R^D, eta ~ N(0, sigma_y^2 I_m): the forward map A,
 * its adjoint A^T, and the exact Gaussian log-likelihood log N(y; A x, sigma_y^2 I). Rows are slices of
 * flat row-major double arrays (the layout of {@code io.sampleforge.diffusion.continuous}). The closed
 * set: {@link IdentityOperator} (denoising), {@link MaskOperator} (one row's observed cells:
 * imputation), {@link DenseLinearOperator} (a fixed m x D matrix), {@link SparseLinearOperator} (the
 * same from (row, column, value) triples), and for [C, H, W] image rows {@link BlurOperator} (box or
 * Gaussian blur) and {@link DownsampleOperator} (average pooling). All are linear; {@link
 * #isLinear} is there for the nonlinear operators of issue 23 that are not built yet. sigma_y may be 0
 * (exact measurements) for the exact posterior; the likelihood then has no density and {@link
 * #logLikelihood} refuses. Cost per row: O(m D) for a dense map, O(nnz) for a sparse one, O(D size) for a blur, O(D) for the rest.
 */
public sealed interface MeasurementOperator permits IdentityOperator, MaskOperator, DenseLinearOperator,
    SparseLinearOperator, BlurOperator, DownsampleOperator {
  /** D, the clean row's dimension. */
  int inputDimension();

  /** m, the measurement's dimension. */
  int outputDimension();

  /** Whether A is linear (true for every operator here). */
  boolean isLinear();

  /** sigma_y >= 0, the standard deviation of the additive Gaussian noise. */
  double noiseSigma();

  /** out[outOff .. outOff + m) = A x[xOff .. xOff + D). */
  void apply(double[] x, int xOff, double[] out, int outOff);

  /** out[outOff .. outOff + D) = A^T y[yOff .. yOff + m). */
  void adjoint(double[] y, int yOff, double[] out, int outOff);

  /** A as a dense m x D matrix (a fresh copy). */
  default double[][] matrix() {
    int m = outputDimension();
    int d = inputDimension();
    double[][] a = new double[m][d];
    double[] e = new double[d];
    double[] col = new double[m];
    for (int j = 0; j < d; j++) {
      e[j] = 1.0;
      apply(e, 0, col, 0);
      for (int i = 0; i < m; i++) {
        a[i][j] = col[i];
      }
      e[j] = 0.0;
    }
    return a;
  }

  /** A applied to each of {@code rows} rows of x (rows x D), into a fresh rows x m array. */
  default double[] applyRows(double[] x, int rows) {
    int d = inputDimension();
    int m = outputDimension();
    checkLength("x", x, rows * d);
    double[] out = new double[rows * m];
    for (int r = 0; r < rows; r++) {
      apply(x, r * d, out, r * m);
    }
    return out;
  }

  /** A^T applied to each of {@code rows} rows of y (rows x m), into a fresh rows x D array. */
  default double[] adjointRows(double[] y, int rows) {
    int d = inputDimension();
    int m = outputDimension();
    checkLength("y", y, rows * m);
    double[] out = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      adjoint(y, r * m, out, r * d);
    }
    return out;
  }

  /**
   * A noisy measurement y = A x + sigma_y z of one row, with the caller's standard normals z (m of
   * them, keyed draws in practice): the operator itself holds no randomness.
   */
  default double[] measure(double[] x, int xOff, double[] normals) {
    int m = outputDimension();
    checkLength("normals", normals, m);
    double[] y = new double[m];
    apply(x, xOff, y, 0);
    for (int i = 0; i < m; i++) {
      y[i] += noiseSigma() * normals[i];
    }
    return y;
  }

  /** log N(y; A x, sigma_y^2 I_m) of one row in float64; needs sigma_y > 0. */
  default double logLikelihood(double[] y, int yOff, double[] x, int xOff) {
    return logLikelihood(y, yOff, x, xOff, noiseSigma() * noiseSigma());
  }

  /**
   * log N(y; A x, v I_m) for a variance v > 0 of the caller's choice (the inflated variance of a
   * twisting function): -|y - A x|^2 / (2 v) - (m / 2) log(2 pi v).
   */
  default double logLikelihood(double[] y, int yOff, double[] x, int xOff, double variance) {
    if (!(variance > 0) || Double.isInfinite(variance)) {
      throw new IllegalStateException("the Gaussian likelihood needs a finite variance > 0 (sigma_y > 0); got " + variance);
    }
    int m = outputDimension();
    double[] ax = new double[m];
    apply(x, xOff, ax, 0);
    double ss = 0;
    for (int i = 0; i < m; i++) {
      double r = y[yOff + i] - ax[i];
      ss += r * r;
    }
    return -0.5 * ss / variance - 0.5 * m * Math.log(2 * Math.PI * variance);
  }

  /** Validates sigma_y (config key {@code measurement.sigma_y}). */
  static double checkSigma(double sigmaY) {
    if (!(sigmaY >= 0) || Double.isInfinite(sigmaY)) {
      throw ConfigException.of("measurement.sigma_y", "must be finite and >= 0", sigmaY);
    }
    return sigmaY;
  }

  private static void checkLength(String name, double[] a, int expected) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + " holds " + (a == null ? null : a.length) + " values; expected " + expected);
    }
  }
}
