package io.sampleforge.coreset;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * Poisson (independent Bernoulli) sampling: row i is kept when its keyed uniform u_i (purpose
 * {@link RandomPurpose#CORESET_POISSON}, key: the row's record key) is below p_i = min(1, m s_i / S),
 * and then weighs 1 / p_i (Horvitz-Thompson), so weighted sums are unbiased. The draw depends only on
 * (seed, key, p_i): the same row gets the same decision in any partitioning. O(1) per row.
 */
public final class PoissonDraw {
  private PoissonDraw() {}

  public static double probability(double score, long m, double total) {
    return Math.min(1.0, m * score / total);
  }

  public static boolean kept(long seed, long key, double probability) {
    return probability > 0 && KeyedStream.of(seed, RandomPurpose.CORESET_POISSON, key).uniform(0) < probability;
  }
}
