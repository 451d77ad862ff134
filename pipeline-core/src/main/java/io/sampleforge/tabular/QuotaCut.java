package io.sampleforge.tabular;

import java.io.Serializable;

/**
 * Children per row of a class whose rows all weigh the same (plain SMOTE): every row gets
 * {@code base}, and the {@code extra} rows first in ({@link SmoteDraws#quotaPriority}, key) order
 * get one more, exactly as ranking the class by that order would give ({@link WeightedQuota} with
 * one group). Instead of ranking on the cluster, the cut (priority and key of the row ranked
 * {@code extra}) is found once among the class's keys, and each row then decides alone by
 * comparing with it. Cost: O(n log n) for the cut, one keyed draw per row.
 */
public final class QuotaCut implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long seed;
  private final long base;
  private final long extra;
  private final double cutPriority;
  private final long cutKey;

  private QuotaCut(long seed, long base, long extra, double cutPriority, long cutKey) {
    this.seed = seed;
    this.base = base;
    this.extra = extra;
    this.cutPriority = cutPriority;
    this.cutKey = cutKey;
  }

  /**
   * @param keys the record keys of every row of the class (distinct)
   * @param base children of every row, at least 0
   * @param extra rows that get one more, in [0, keys.length)
   */
  public static QuotaCut of(long[] keys, long base, long extra, long seed) {
    if (base < 0 || extra < 0 || (extra > 0 && extra >= keys.length)) {
      throw new IllegalArgumentException("need base >= 0 and 0 <= extra < rows, got base " + base + ", extra " + extra
          + ", rows " + keys.length);
    }
    if (extra == 0) {
      return new QuotaCut(seed, base, 0, 0, 0);
    }
    int n = keys.length;
    double[] priority = new double[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      priority[i] = SmoteDraws.quotaPriority(seed, keys[i]);
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> priority[a] != priority[b] ? Double.compare(priority[a], priority[b])
        : Long.compare(keys[a], keys[b]));
    int cut = order[(int) extra];
    return new QuotaCut(seed, base, extra, priority[cut], keys[cut]);
  }

  /** Children of the row with record key {@code key}. */
  public long children(long key) {
    if (extra == 0) {
      return base;
    }
    double p = SmoteDraws.quotaPriority(seed, key);
    return base + (p < cutPriority || (p == cutPriority && key < cutKey) ? 1 : 0);
  }
}
