package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * Accumulates the weighted Gram matrix G = sum_i c_i a_i a_i^T (upper triangle) of a stream of rows in
 * double-double arithmetic (each product rounded once, then added with Knuth's TwoSum error term), so the
 * sum rounded to float64 does not depend on the order rows or partial sums arrive in: the same table
 * split into any partitions gives the same G bit for bit (up to ties at 1e-32 relative). Cost per row:
 * d(d+1)/2 products and TwoSums; memory 2 d(d+1)/2 doubles. Partial accumulators {@link #merge} exactly.
 */
public final class GramAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int d;
  private final double[] hi;
  private final double[] lo;
  private long rows;

  public GramAccumulator(int d) {
    this.d = d;
    int size = d * (d + 1) / 2;
    this.hi = new double[size];
    this.lo = new double[size];
  }

  /** Adds c a a^T and counts the row (c = 0 still counts it). */
  public GramAccumulator add(double[] a, double c) {
    rows++;
    if (c == 0) {
      return this;
    }
    int at = 0;
    for (int j = 0; j < d; j++) {
      double ca = c * a[j];
      for (int k = j; k < d; k++) {
        double x = ca * a[k];
        double h = hi[at];
        double s = h + x;
        double bp = s - h;
        lo[at] += (h - (s - bp)) + (x - bp);
        hi[at] = s;
        at++;
      }
    }
    return this;
  }

  /** Adds another partial sum into this one (also double-double). */
  public GramAccumulator merge(GramAccumulator other) {
    rows += other.rows;
    for (int i = 0; i < hi.length; i++) {
      double h = hi[i];
      double x = other.hi[i];
      double s = h + x;
      double bp = s - h;
      lo[i] += (h - (s - bp)) + (x - bp) + other.lo[i];
      hi[i] = s;
    }
    return this;
  }

  /** Rows added. */
  public long rows() {
    return rows;
  }

  public int dimension() {
    return d;
  }

  /** The symmetric d x d Gram matrix, each entry hi + lo rounded to float64. */
  public double[][] matrix() {
    double[][] g = new double[d][d];
    int at = 0;
    for (int j = 0; j < d; j++) {
      for (int k = j; k < d; k++) {
        double v = hi[at] + lo[at];
        g[j][k] = v;
        g[k][j] = v;
        at++;
      }
    }
    return g;
  }
}
