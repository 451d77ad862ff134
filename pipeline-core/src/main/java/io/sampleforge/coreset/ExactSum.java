package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * An order-insensitive sum of doubles (double-double: TwoSum of each term), so that the total of the
 * scores, and hence every sampling probability, is the same however the rows are partitioned. O(1) per term.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private double hi;
  private double lo;

  public ExactSum add(double x) {
    double s = hi + x;
    double bp = s - hi;
    lo += (hi - (s - bp)) + (x - bp);
    hi = s;
    return this;
  }

  public ExactSum merge(ExactSum other) {
    add(other.hi);
    lo += other.lo;
    return this;
  }

  public double value() {
    return hi + lo;
  }
}
