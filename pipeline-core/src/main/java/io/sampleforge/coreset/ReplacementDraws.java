package io.sampleforge.coreset;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.Arrays;

/**
 * Exactly m i.i.d. draws with P(row i) = s_i / S, done in two keyed stages so no global order of the
 * rows is needed: every row falls in one of {@link #BUCKETS} buckets by a hash of its record key; the m
 * draws are first spread over the buckets (m sorted uniforms times S against the cumulative bucket
 * totals, purpose {@link RandomPurpose#CORESET_BUCKET_DRAWS}), then a bucket's c_b draws over its rows
 * taken in key order (c_b sorted uniforms times S_b against the cumulative scores, purpose
 * {@link RandomPurpose#CORESET_ROW_DRAWS} keyed by the bucket). The composition is the multinomial of
 * m draws over all rows. Draws landing past the last cumulative total by rounding go to the bucket's
 * last row with a positive score. Cost: O(m log m) on the driver (8 m bytes), O(c_b log c_b) per bucket.
 */
public final class ReplacementDraws {
  /** Number of key buckets (fixed: part of the determinism contract). */
  public static final int BUCKETS = 1024;

  private ReplacementDraws() {}

  public static int bucket(long key) {
    return (int) Math.floorMod(Hash64.mix(key ^ 0x5DEECE66DL), (long) BUCKETS);
  }

  /** The number of the m draws that land in each bucket, given the buckets' score totals. */
  public static long[] bucketCounts(double[] bucketTotals, long m, long seed) {
    double total = total(bucketTotals);
    if (m > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("m = " + m + " draws with replacement exceed one driver array");
    }
    double[] targets = sortedTargets(KeyedStream.of(seed, RandomPurpose.CORESET_BUCKET_DRAWS, 0L), (int) m, total);
    long[] counts = new long[bucketTotals.length];
    int next = 0;
    double cumulative = 0;
    int lastPositive = -1;
    for (int b = 0; b < bucketTotals.length; b++) {
      if (bucketTotals[b] <= 0) {
        continue;
      }
      lastPositive = b;
      cumulative += bucketTotals[b];
      while (next < targets.length && targets[next] < cumulative) {
        counts[b]++;
        next++;
      }
    }
    if (lastPositive >= 0) {
      counts[lastPositive] += targets.length - next;
    }
    return counts;
  }

  /** S: the bucket totals summed in bucket order (as {@link ScoreTotals#total}). */
  public static double total(double[] bucketTotals) {
    double s = 0;
    for (double t : bucketTotals) {
      s += t;
    }
    return s;
  }

  /** {@code count} uniforms of {@code stream} times {@code total}, sorted. */
  static double[] sortedTargets(KeyedStream stream, int count, double total) {
    double[] t = new double[count];
    for (int j = 0; j < count; j++) {
      t[j] = stream.uniform(j) * total;
    }
    Arrays.sort(t);
    return t;
  }

  /**
   * Walks one bucket's rows in key order and hands out its draws. Call {@link #take} for each row and
   * {@link #leftover} after the last: the draws past the running total (rounding only), which belong to
   * the last row with a positive score.
   */
  public static final class BucketWalk {
    private final double[] targets;
    private int next;
    private double cumulative;

    public BucketWalk(long seed, int bucket, long count, double bucketTotal) {
      this.targets = sortedTargets(KeyedStream.of(seed, RandomPurpose.CORESET_ROW_DRAWS, bucket), (int) count, bucketTotal);
    }

    /** The draws of a row with this score (0 for a score of 0). */
    public int take(double score) {
      if (score <= 0) {
        return 0;
      }
      cumulative += score;
      int start = next;
      while (next < targets.length && targets[next] < cumulative) {
        next++;
      }
      return next - start;
    }

    public int leftover() {
      return targets.length - next;
    }
  }
}
