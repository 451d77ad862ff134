package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * y = A x + eta for a fixed sparse m x D matrix A given as (row, column, value) triples (config key
 * {@code operator.matrix_file}, format {@code coo}), stored compressed by row (CSR; duplicate entries
 * are summed, as scipy's {@code coo_matrix.tocsr}); eta ~ N(0, sigma_y^2 I_m). The adjoint is the
 * transposed product over the same entries. Linear. Cost O(nnz) per row in either direction, memory
 * O(nnz + m).
 */
public final class SparseLinearOperator implements MeasurementOperator {
  private final int m;
  private final int d;
  private final int[] rowStart;
  private final int[] cols;
  private final double[] values;
  private final double noiseSigma;

  public SparseLinearOperator(int m, int d, int[] rows, int[] columns, double[] entries, double noiseSigma) {
    if (m < 1 || d < 1) {
      throw ConfigException.of("operator.matrix_file", "must describe an m x D matrix with m, D >= 1", m + " x " + d);
    }
    if (rows == null || columns == null || entries == null || rows.length != columns.length
        || rows.length != entries.length) {
      throw new IllegalArgumentException("rows, columns and entries must be arrays of one length");
    }
    int n = rows.length;
    Integer[] order = new Integer[n];
    for (int e = 0; e < n; e++) {
      if (rows[e] < 0 || rows[e] >= m || columns[e] < 0 || columns[e] >= d) {
        throw ConfigException.of("operator.matrix_file", "entries must lie in the " + m + " x " + d + " matrix",
            "entry " + e + " at (" + rows[e] + ", " + columns[e] + ")");
      }
      if (!Double.isFinite(entries[e])) {
        throw ConfigException.of("operator.matrix_file", "entries must be finite",
            "entry " + e + " at (" + rows[e] + ", " + columns[e] + ") = " + entries[e]);
      }
      order[e] = e;
    }
    Arrays.sort(order, (p, q) -> rows[p] != rows[q] ? Integer.compare(rows[p], rows[q])
        : Integer.compare(columns[p], columns[q]));
    int[] c = new int[n];
    double[] v = new double[n];
    int[] start = new int[m + 1];
    int k = -1;
    int lastRow = -1;
    int lastCol = -1;
    for (int e : order) {
      if (rows[e] == lastRow && columns[e] == lastCol) {
        v[k] += entries[e];
        continue;
      }
      k++;
      c[k] = columns[e];
      v[k] = entries[e];
      start[rows[e] + 1]++;
      lastRow = rows[e];
      lastCol = columns[e];
    }
    for (int i = 0; i < m; i++) {
      start[i + 1] += start[i];
    }
    this.m = m;
    this.d = d;
    this.rowStart = start;
    this.cols = Arrays.copyOf(c, k + 1);
    this.values = Arrays.copyOf(v, k + 1);
    this.noiseSigma = MeasurementOperator.checkSigma(noiseSigma);
  }

  /** The stored (summed) entries. */
  public int nonZeros() {
    return values.length;
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
      for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
        s += values[e] * x[xOff + cols[e]];
      }
      out[outOff + i] = s;
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    Arrays.fill(out, outOff, outOff + d, 0.0);
    for (int i = 0; i < m; i++) {
      double yi = y[yOff + i];
      for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
        out[outOff + cols[e]] += values[e] * yi;
      }
    }
  }
}
