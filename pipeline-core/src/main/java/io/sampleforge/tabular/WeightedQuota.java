package io.sampleforge.tabular;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exact largest-remainder allocation of a class's G synthetic rows over its rows, when every row
 * carries an integer weight w ≥ 0 (1 for SMOTE and random over-sampling, 0/1 for Borderline-SMOTE's
 * danger rows, the other-class neighbour count for ADASYN). A row of weight w is owed G·w/W children,
 * W the sum of weights; it gets the floor of that, and the G − Σfloor rows with the largest
 * fractional parts get one more. Rows of equal weight owe equal fractions, so the allocation is
 * decided per weight group: groups by fraction descending (then weight ascending), and inside a
 * group the extra children go to the rows with the smallest keyed priority
 * ({@link SmoteDraws#quotaPriority}). The total is always exactly G (imbalanced-learn's ADASYN
 * rounds each share instead and misses the request). Cost: O(groups · log groups) on the driver;
 * the per-row rank inside a group is one sort per group on the cluster.
 */
public final class WeightedQuota implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Allocation of one weight group: children per row, and how many rows of it get one more. */
  public record Group(long weight, long rows, long baseChildren, long extraRows) implements Serializable {}

  private final SortedMap<Long, Group> groups;
  private final long total;

  private WeightedQuota(SortedMap<Long, Group> groups, long total) {
    this.groups = groups;
    this.total = total;
  }

  /**
   * @param children G, at least 0
   * @param rowsByWeight rows per weight (weights ≥ 0)
   * @throws IllegalArgumentException when G &gt; 0 but every weight is 0 (nothing can seed)
   */
  public static WeightedQuota allocate(long children, Map<Long, Long> rowsByWeight) {
    if (children < 0) {
      throw new IllegalArgumentException("children must be >= 0, got " + children);
    }
    BigInteger totalWeight = BigInteger.ZERO;
    for (Map.Entry<Long, Long> e : rowsByWeight.entrySet()) {
      if (e.getKey() < 0 || e.getValue() < 0) {
        throw new IllegalArgumentException("weights and row counts must be >= 0: " + rowsByWeight);
      }
      totalWeight = totalWeight.add(BigInteger.valueOf(e.getKey()).multiply(BigInteger.valueOf(e.getValue())));
    }
    if (children > 0 && totalWeight.signum() == 0) {
      throw new IllegalArgumentException("no row has a positive weight, cannot allocate " + children + " children");
    }
    SortedMap<Long, Group> out = new TreeMap<>();
    if (children == 0) {
      rowsByWeight.forEach((w, n) -> out.put(w, new Group(w, n, 0, 0)));
      return new WeightedQuota(out, 0);
    }
    BigInteger g = BigInteger.valueOf(children);
    long assigned = 0;
    List<long[]> fractions = new ArrayList<>(); // {weight, remainder numerator (mod W), rows}
    SortedMap<Long, Long> base = new TreeMap<>();
    for (Map.Entry<Long, Long> e : new TreeMap<>(rowsByWeight).entrySet()) {
      BigInteger[] qr = g.multiply(BigInteger.valueOf(e.getKey())).divideAndRemainder(totalWeight);
      long b = qr[0].longValueExact();
      base.put(e.getKey(), b);
      assigned += b * e.getValue();
      // remainders compared as numerators over the common denominator W; W fits a long for any real table
      fractions.add(new long[] {e.getKey(), qr[1].longValueExact(), e.getValue()});
    }
    long left = children - assigned;
    fractions.sort(Comparator.<long[]>comparingLong(f -> -f[1]).thenComparingLong(f -> f[0]));
    SortedMap<Long, Long> extra = new TreeMap<>();
    for (long[] f : fractions) {
      long take = f[1] > 0 ? Math.min(left, f[2]) : 0;
      extra.put(f[0], take);
      left -= take;
    }
    if (left != 0) {
      throw new IllegalStateException("largest-remainder allocation left " + left + " children unassigned");
    }
    for (Map.Entry<Long, Long> e : rowsByWeight.entrySet()) {
      long w = e.getKey();
      out.put(w, new Group(w, e.getValue(), base.get(w), extra.get(w)));
    }
    return new WeightedQuota(out, children);
  }

  /** The allocation of weight group {@code weight} (an empty group when no row has that weight). */
  public Group group(long weight) {
    Group gr = groups.get(weight);
    return gr == null ? new Group(weight, 0, 0, 0) : gr;
  }

  /** All groups by weight. */
  public SortedMap<Long, Group> groups() {
    return new TreeMap<>(groups);
  }

  /** Children allocated in total (= the requested G). */
  public long total() {
    return total;
  }

  /** Children of a row of weight {@code weight} that is {@code rank}-th (0-based) by priority in its group. */
  public long childrenOf(long weight, long rank) {
    Group gr = group(weight);
    return gr.baseChildren() + (rank < gr.extraRows() ? 1 : 0);
  }
}
