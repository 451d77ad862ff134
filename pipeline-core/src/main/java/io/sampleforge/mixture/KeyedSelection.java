package io.sampleforge.mixture;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Exact-count uniform sampling within one source by keyed priorities (bottom-k sampling, as in
 * Cohen and Kaplan, "Summarizing data using bottom-k sketches", PODC 2007): every row gets a 63-bit
 * priority, a pure function of (seed, round, source, row id key), and the c rows with the smallest
 * (priority, id key) are chosen. With independent uniform priorities every c-subset is equally likely
 * (a uniform sample without replacement), and the choice does not depend on partitioning or row order.
 * With repeats (c &gt; n), every row is taken floor(c/n) times and the c mod n smallest once more.
 * The Spark stage computes the same priorities; this class is the in-memory form (tests, small
 * tables). Cost: O(n log n) here.
 */
public final class KeyedSelection {
  private KeyedSelection() {}

  /** The priority of the row with id key {@code idKey} of {@code source} in round {@code round}. */
  public static long priority(long seed, int round, String source, long idKey) {
    return priority(seed, round, Hash64.of(source), idKey);
  }

  /** As {@link #priority(long, int, String, long)} with the source's name hashed by {@link Hash64#of}. */
  public static long priority(long seed, int round, long sourceHash, long idKey) {
    long key = Hash64.combine(Hash64.combine(sourceHash, idKey), round);
    return KeyedStream.of(seed, RandomPurpose.MIX_SELECT, key).bits(0) >>> 1;
  }

  /** How many copies of each row of {@code idKeys} a count of {@code c} takes (sums to c). */
  public static int[] copies(long seed, int round, String source, long[] idKeys, long c) {
    int n = idKeys.length;
    int[] out = new int[n];
    if (c == 0) {
      return out;
    }
    if (n == 0) {
      throw new IllegalArgumentException("source '" + source + "' has no rows but is asked for " + c);
    }
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = priority(seed, round, source, idKeys[i]);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingLong(i -> p[i]).thenComparingLong(i -> idKeys[i]));
    long whole = c / n;
    long extra = c % n;
    for (int r = 0; r < n; r++) {
      out[order[r]] = (int) (whole + (r < extra ? 1 : 0));
    }
    return out;
  }
}
