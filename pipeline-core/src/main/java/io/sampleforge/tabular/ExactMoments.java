package io.sampleforge.tabular;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Per-feature count, sum and sum of squares of float64 rows, accumulated exactly in
 * {@link BigDecimal} so that merging partial results in any order gives the same bits: the
 * population standard deviation it returns does not depend on how rows were partitioned (a plain
 * floating-point aggregation would differ in the last bits). Cost: a few BigDecimal additions per
 * value; O(d) memory.
 */
public final class ExactMoments implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private BigDecimal[] sum;
  private BigDecimal[] sumSq;

  /** Adds one row; every row must have the same width. */
  public ExactMoments add(double[] row) {
    ensure(row.length);
    for (int j = 0; j < row.length; j++) {
      BigDecimal v = new BigDecimal(row[j]);
      sum[j] = sum[j].add(v);
      sumSq[j] = sumSq[j].add(v.multiply(v));
    }
    count++;
    return this;
  }

  /** Adds another accumulator into this one. */
  public ExactMoments merge(ExactMoments other) {
    if (other.sum == null) {
      return this;
    }
    ensure(other.sum.length);
    for (int j = 0; j < sum.length; j++) {
      sum[j] = sum[j].add(other.sum[j]);
      sumSq[j] = sumSq[j].add(other.sumSq[j]);
    }
    count += other.count;
    return this;
  }

  /** Population standard deviation of each feature (numpy's {@code np.std}, ddof 0), rounded once to float64. */
  public double[] populationStd() {
    if (sum == null || count == 0) {
      return new double[0];
    }
    double[] out = new double[sum.length];
    BigDecimal n = BigDecimal.valueOf(count);
    for (int j = 0; j < out.length; j++) {
      BigDecimal meanSq = sum[j].multiply(sum[j]).divide(n, MathContext.DECIMAL128);
      BigDecimal variance = sumSq[j].subtract(meanSq).divide(n, MathContext.DECIMAL128);
      out[j] = variance.signum() <= 0 ? 0 : variance.sqrt(MathContext.DECIMAL128).doubleValue();
    }
    return out;
  }

  public long count() {
    return count;
  }

  private void ensure(int width) {
    if (sum == null) {
      sum = new BigDecimal[width];
      sumSq = new BigDecimal[width];
      java.util.Arrays.fill(sum, BigDecimal.ZERO);
      java.util.Arrays.fill(sumSq, BigDecimal.ZERO);
    } else if (sum.length != width) {
      throw new IllegalArgumentException("row width " + width + " differs from " + sum.length);
    }
  }
}
