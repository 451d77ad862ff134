package io.sampleforge.neighbors;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of rows for neighbour search: record keys and row-major float64 features, sorted by key
 * so that a block's layout (and therefore every computation over it) depends only on its rows.
 * Cost: 8·(d+1) bytes per row.
 */
public final class FeatureBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] keys;
  private final double[] values;
  private final int dim;

  private FeatureBlock(long[] keys, double[] values, int dim) {
    this.keys = keys;
    this.values = values;
    this.dim = dim;
  }

  /** Builds a block, sorting rows by key; keys must be distinct. */
  public static FeatureBlock of(long[] keys, double[][] rows) {
    int n = keys.length;
    if (rows.length != n) {
      throw new IllegalArgumentException("keys and rows differ in length: " + n + " vs " + rows.length);
    }
    int dim = n == 0 ? 0 : rows[0].length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
    long[] sortedKeys = new long[n];
    double[] values = new double[n * dim];
    for (int i = 0; i < n; i++) {
      int src = order[i];
      if (i > 0 && keys[src] == sortedKeys[i - 1]) {
        throw new IllegalArgumentException("duplicate record key " + keys[src]);
      }
      if (rows[src].length != dim) {
        throw new IllegalArgumentException("row of key " + keys[src] + " has " + rows[src].length + " features, expected " + dim);
      }
      sortedKeys[i] = keys[src];
      System.arraycopy(rows[src], 0, values, i * dim, dim);
    }
    return new FeatureBlock(sortedKeys, values, dim);
  }

  public int size() {
    return keys.length;
  }

  public int dim() {
    return dim;
  }

  public long key(int row) {
    return keys[row];
  }

  /** Feature j of row i. */
  public double value(int row, int j) {
    return values[row * dim + j];
  }

  /** Exact squared Euclidean distance in float64 between row i of this block and row r of another. */
  public double squaredDistance(int i, FeatureBlock other, int r) {
    double s = 0;
    int a = i * dim;
    int b = r * dim;
    for (int j = 0; j < dim; j++) {
      double diff = values[a + j] - other.values[b + j];
      s += diff * diff;
    }
    return s;
  }
}
