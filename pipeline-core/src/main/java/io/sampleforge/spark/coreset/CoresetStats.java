package io.sampleforge.spark.coreset;

/**
 * What a coreset run measured, for the manifest: rows n, columns d, S = sum of scores, the largest
 * score, the expected sample size (sum_i min(1, m s_i / S) for Poisson, m with replacement), the Gram
 * passes made (Lewis: one per iteration; with a sketch, 1 when its error was checked, else 0), the Lewis
 * iteration's last relative change (NaN otherwise), the CountSketch rows (0 without a sketch) and the
 * sketch's measured error.
 */
public record CoresetStats(long rows, int columns, double scoreTotal, double maxScore, double expectedSize,
    int gramPasses, double lewisChange, int sketchRows, io.sampleforge.coreset.SketchError sketchError) {}
