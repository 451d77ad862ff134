package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The per-row summary against hand-derived values: for the samples 5, 1, 4, 2, 3 (column 0) the mean is 3,
 * the unbiased variance 10 / 4 = 2.5, and the 5 % / 95 % points sit at positions 0.2 and 3.8 of the sorted
 * values (Spark's and numpy's linear rule): 1.2 and 4.8; for column 1 (-10 times column 0 plus 1) they are
 * -29, 250, -47 and -11. Two samples 0 and 10: variance 50, points 0.5 and 9.5.
 */
class PosteriorSummaryTest {
  @Test
  void meanVarianceAndInterpolatedPointsMatchHandComputation() {
    double[] rows = {5, -49, 1, -9, 4, -39, 2, -19, 3, -29}; // 5 samples x 2 coordinates, row after row
    PosteriorSummary s = PosteriorSummary.of(rows, 0, 5, 2);
    assertArrayEquals(new double[] {3, -29}, s.mean(), 1e-12);
    assertArrayEquals(new double[] {2.5, 250}, s.variance(), 1e-12);
    assertArrayEquals(new double[] {1.2, -47}, s.lower(), 1e-12);
    assertArrayEquals(new double[] {4.8, -11}, s.upper(), 1e-12);
    PosteriorSummary two = PosteriorSummary.of(new double[] {99, 10, 0}, 1, 2, 1);
    assertArrayEquals(new double[] {5}, two.mean(), 1e-12);
    assertArrayEquals(new double[] {50}, two.variance(), 1e-12);
    assertArrayEquals(new double[] {0.5}, two.lower(), 1e-12);
    assertArrayEquals(new double[] {9.5}, two.upper(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of(new double[] {1}, 0, 1, 1));
  }
}
