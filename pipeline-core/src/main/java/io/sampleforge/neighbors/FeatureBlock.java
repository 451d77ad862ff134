package io.sampleforge.neighbors;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of rows for neighbour search: record keys and row-major float64 features, sorted by key
 * so that a block's layout (and therefore every computation over it) depends only on its rows.
 * Rows may also carry c categorical codes (64-bit hashes of the values); their exact distance then
 * adds {@code penalty} per code that differs (SMOTE-NC's nominal term, Chawla et al. 2002), and
 * the continuous part, which the GEMM screen sees, stays a lower bound of it. Cost: 8·(d+c+1)
 * bytes per row.
 */
public final class FeatureBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] keys;
  private final double[] values;
  private final int dim;
  private final long[] codes;
  private final int categories;
  private final double penalty;
  private final int[] groupEnds;

  private FeatureBlock(long[] keys, double[] values, int dim, long[] codes, int categories, double penalty, int[] groupEnds) {
    this.keys = keys;
    this.values = values;
    this.dim = dim;
    this.codes = codes;
    this.categories = categories;
    this.penalty = penalty;
    this.groupEnds = groupEnds;
  }

  /**
   * A block whose distance is Σ over feature groups of (L1 distance within the group)², the value
   * difference metric of SMOTEN (Stanfill and Waltz 1986; imbalanced-learn's k=1, r=2) when each
   * group holds one categorical feature's class-probability vector. Since (Σ|δ|)² ≥ Σδ², the
   * Euclidean screen of the GEMM stays a lower bound.
   *
   * @param groupEnds exclusive end column of each group, increasing, the last equal to the row width
   */
  public static FeatureBlock grouped(long[] keys, double[][] rows, int[] groupEnds) {
    FeatureBlock plain = of(keys, rows);
    int last = 0;
    for (int end : groupEnds) {
      if (end <= last) {
        throw new IllegalArgumentException("group ends must increase: " + java.util.Arrays.toString(groupEnds));
      }
      last = end;
    }
    if (plain.size() > 0 && last != plain.dim) {
      throw new IllegalArgumentException("groups end at " + last + " but rows have " + plain.dim + " columns");
    }
    return new FeatureBlock(plain.keys, plain.values, plain.dim, new long[0], 0, 0, groupEnds.clone());
  }

  /**
   * Builds a block with categorical codes, sorting rows by key; keys must be distinct.
   *
   * @param codes per row, c codes (the same c for every row)
   * @param penalty squared-distance contribution of each differing code, finite and &gt;= 0
   */
  public static FeatureBlock of(long[] keys, double[][] rows, long[][] codes, double penalty) {
    FeatureBlock plain = of(keys, rows);
    int c = codes.length == 0 ? 0 : codes[0].length;
    if (!(penalty >= 0) || Double.isInfinite(penalty)) {
      throw new IllegalArgumentException("penalty must be finite and >= 0, got " + penalty);
    }
    java.util.Map<Long, long[]> byKey = new java.util.HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      if (codes[i].length != c) {
        throw new IllegalArgumentException("row of key " + keys[i] + " has " + codes[i].length + " codes, expected " + c);
      }
      byKey.put(keys[i], codes[i]);
    }
    long[] sorted = new long[keys.length * c];
    for (int i = 0; i < plain.keys.length; i++) {
      System.arraycopy(byKey.get(plain.keys[i]), 0, sorted, i * c, c);
    }
    return new FeatureBlock(plain.keys, plain.values, plain.dim, sorted, c, penalty, null);
  }

  /** Builds a block, sorting rows by key; keys must be distinct. */
  public static FeatureBlock of(long[] keys, double[][] rows) {
    int n = keys.length;
    if (rows.length != n) {
      throw new IllegalArgumentException("keys and rows differ in length: " + n + " vs " + rows.length);
    }
    int dim = n == 0 ? 0 : rows[0].length;
    int[] order = IndexSort.byLong(keys);
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
    return new FeatureBlock(sortedKeys, values, dim, new long[0], 0, 0, null);
  }

  /** Rows [from, to) of this block (still key-sorted), with the same metric. Cost: a copy of those rows. */
  public FeatureBlock slice(int from, int to) {
    if (from < 0 || to > keys.length || from > to) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside a block of " + keys.length + " rows");
    }
    long[] sliceCodes = categories == 0 ? codes : Arrays.copyOfRange(codes, from * categories, to * categories);
    return new FeatureBlock(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(values, from * dim, to * dim), dim,
        sliceCodes, categories, penalty, groupEnds);
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

  /** Row index of record key {@code key}, or a negative number when the block does not hold it. Cost: a binary search. */
  public int indexOf(long key) {
    return Arrays.binarySearch(keys, key);
  }

  /** A copy of row i's features. */
  public double[] row(int i) {
    return Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
  }

  /** Exact squared Euclidean distance in float64 between row i of this block and row r of another. */
  public double squaredDistance(int i, FeatureBlock other, int r) {
    int a = i * dim;
    int b = r * dim;
    if (groupEnds != null) {
      double total = 0;
      for (int g = 0, start = 0; g < groupEnds.length; start = groupEnds[g++]) {
        double l1 = 0;
        for (int j = start; j < groupEnds[g]; j++) {
          l1 += Math.abs(values[a + j] - other.values[b + j]);
        }
        total += l1 * l1;
      }
      return total;
    }
    double s = 0;
    for (int j = 0; j < dim; j++) {
      double diff = values[a + j] - other.values[b + j];
      s += diff * diff;
    }
    if (categories > 0 && other.categories == categories) {
      int differ = 0;
      for (int j = 0, ca = i * categories, cb = r * categories; j < categories; j++) {
        differ += codes[ca + j] != other.codes[cb + j] ? 1 : 0;
      }
      s += differ * penalty;
    }
    return s;
  }

  /** Number of categorical codes per row (0 for purely numeric blocks). */
  public int categories() {
    return categories;
  }
}
