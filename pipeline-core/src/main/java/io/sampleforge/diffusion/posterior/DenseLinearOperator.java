package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * y = A x + eta for a fixed dense m x D matrix A (finite entries; config key {@code measurement.matrix}),
 * eta ~ N(0, sigma_y^2 I_m). Stored row-major; the adjoint is the transposed product. Cost O(m D) per
 * row for either direction.
 */
public final class DenseLinearOperator implements MeasurementOperator {
  private final double[] a;
  private final int m;
  private final int d;
  private final double noiseSigma;

  public DenseLinearOperator(double[][] matrix, double noiseSigma) {
    if (matrix == null || matrix.length == 0 || matrix[0] == null || matrix[0].length == 0) {
      throw ConfigException.of("measurement.matrix", "must be a non-empty m x D matrix", matrix == null ? null : matrix.length + " rows");
    }
    this.m = matrix.length;
    this.d = matrix[0].length;
    this.a = new double[m * d];
    for (int i = 0; i < m; i++) {
      if (matrix[i] == null || matrix[i].length != d) {
        throw ConfigException.of("measurement.matrix", "must have " + d + " columns in every row", "row " + i);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(matrix[i][j])) {
          throw ConfigException.of("measurement.matrix", "must hold finite entries", "[" + i + "][" + j + "] = " + matrix[i][j]);
        }
        a[i * d + j] = matrix[i][j];
      }
    }
    this.noiseSigma = MeasurementOperator.checkSigma(noiseSigma);
  }

  @Override
  public int inputDimension() {
    return d;
  }

  @Override
  public int outputDimension() {
    return m;
  }

  @Override
  public boolean isLinear() {
    return true;
  }

  @Override
  public double noiseSigma() {
    return noiseSigma;
  }

  @Override
  public void apply(double[] x, int xOff, double[] out, int outOff) {
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += a[i * d + j] * x[xOff + j];
      }
      out[outOff + i] = s;
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    for (int j = 0; j < d; j++) {
      double s = 0;
      for (int i = 0; i < m; i++) {
        s += a[i * d + j] * y[yOff + i];
      }
      out[outOff + j] = s;
    }
  }
}
