package io.sampleforge.coreset;

/**
 * A coreset drawn in memory: the chosen row indices (ascending), their weights, scores and draw counts
 * (1 under Poisson sampling), every row's score, S and the expected size sum_i min(1, m s_i / S)
 * (Poisson) or m (with replacement).
 */
public record CoresetSample(int[] rows, double[] weights, double[] rowScores, int[] draws, double[] scores,
    double total, double expectedSize) {

  public int size() {
    return rows.length;
  }
}
