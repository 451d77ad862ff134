package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * The score totals one sampling needs, accumulated over a stream of (record key, score): per key
 * bucket ({@link ReplacementDraws#bucket}) an order-insensitive {@link ExactSum}, the largest score and
 * the row count. S is the sum of the bucket totals in bucket order, so it too is independent of
 * partitioning. O(1) per row; 16 KiB per partial.
 */
public final class ScoreTotals implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ExactSum[] buckets = new ExactSum[ReplacementDraws.BUCKETS];
  private double maxScore;
  private long rows;

  public ScoreTotals() {
    for (int b = 0; b < buckets.length; b++) {
      buckets[b] = new ExactSum();
    }
  }

  public ScoreTotals add(long key, double score) {
    buckets[ReplacementDraws.bucket(key)].add(score);
    maxScore = Math.max(maxScore, score);
    rows++;
    return this;
  }

  public ScoreTotals merge(ScoreTotals other) {
    for (int b = 0; b < buckets.length; b++) {
      buckets[b].merge(other.buckets[b]);
    }
    maxScore = Math.max(maxScore, other.maxScore);
    rows += other.rows;
    return this;
  }

  public double[] bucketTotals() {
    double[] t = new double[buckets.length];
    for (int b = 0; b < t.length; b++) {
      t[b] = buckets[b].value();
    }
    return t;
  }

  /** S = sum of the scores. */
  public double total() {
    return ReplacementDraws.total(bucketTotals());
  }

  public double maxScore() {
    return maxScore;
  }

  public long rows() {
    return rows;
  }
}
