package io.sampleforge.spark.coreset;

/**
 * What a coreset run measured, for the manifest: rows n, columns d, S = sum of scores, the largest
 * score, the expected sample size (sum_i min(1, m s_i / S) for Poisson, m with replacement), the Gram
 * passes made (Lewis: one per iteration) and the Lewis iteration's last relative change (NaN otherwise).
 */
public record CoresetStats(long rows, int columns, double scoreTotal, double maxScore, double expectedSize,
    int gramPasses, double lewisChange) {}
