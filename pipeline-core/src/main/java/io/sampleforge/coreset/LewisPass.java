package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * One pass of the l_p Lewis-weight fixed-point iteration (Cohen and Peng, STOC 2015):
 * w^(k)_i = (a_i^T (A^T W_{k-1}^{1-2/p} A)^{-1} a_i)^{p/2} with w^(0) = 1, a contraction for p &lt; 4
 * (factor |1 - p/2| in log scale). Rows stream through: each row's current weight w^(k) comes from
 * the factor of the previous Gram matrix, it adds w^(k)^{1-2/p} a a^T to the next one, and the
 * largest relative change |w^(k) - w^(k-1)| / w^(k) (w^(k-1) from the factor before that) is kept
 * for the convergence check. So a pass needs only the rows and two d x d factors, never per-row
 * state. Cost per row: two triangular solves and one Gram update, O(d^2).
 */
public final class LewisPass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double p;
  private final GramFactor current;
  private final GramFactor previous;
  private final GramAccumulator gram;
  private double maxChange;
  private transient double[] scratch;

  /**
   * @param current the factor giving w^(k) (null: w^(k) = 1, the first pass)
   * @param previous the factor giving w^(k-1) (null: w^(k-1) = 1)
   */
  public LewisPass(double p, int d, GramFactor current, GramFactor previous) {
    this.p = p;
    this.current = current;
    this.previous = previous;
    this.gram = new GramAccumulator(d);
  }

  /** w = (q)^{p/2} from {@code factor}, or 1 when there is none. */
  public static double weight(GramFactor factor, double[] a, double p, double[] scratch) {
    return factor == null ? 1.0 : Math.pow(factor.quadratic(a, scratch), p / 2);
  }

  /** The Gram coefficient w^{1-2/p} of a row with weight w (0 for w = 0: such a row is all zero). */
  public static double coefficient(double w, double p) {
    return w == 0 ? 0.0 : Math.pow(w, 1 - 2 / p);
  }

  /** Streams one row (a reusable scratch buffer is allocated per deserialised copy). */
  public LewisPass add(double[] a) {
    if (scratch == null) {
      scratch = new double[a.length];
    }
    double w = weight(current, a, p, scratch);
    gram.add(a, coefficient(w, p));
    if (current != null && w > 0) {
      double before = weight(previous, a, p, scratch);
      maxChange = Math.max(maxChange, Math.abs(w - before) / w);
    }
    return this;
  }

  public LewisPass merge(LewisPass other) {
    gram.merge(other.gram);
    maxChange = Math.max(maxChange, other.maxChange);
    return this;
  }

  public GramAccumulator gram() {
    return gram;
  }

  /** max_i |w^(k)_i - w^(k-1)_i| / w^(k)_i over this pass's rows (0 in the first pass). */
  public double maxChange() {
    return maxChange;
  }
}
