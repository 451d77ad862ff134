package io.sampleforge.diffusion.posterior;

import java.util.Arrays;

/**
 * The per-coordinate summary of a row's S posterior samples: the mean, the unbiased sample variance
 * (denominator S - 1) and the 5 % and 95 % points, interpolated as Spark SQL's {@code percentile} does
 * (position p (S - 1) in the sorted values, linear between its neighbours; also numpy's default
 * {@code linear} method). Issue 23: "per row: S posterior samples, their mean and per-coordinate
 * variance". Cost: O(S D log S) (one sort per coordinate).
 *
 * @param mean the D means
 * @param variance the D variances (S >= 2)
 * @param lower the D 5 % points
 * @param upper the D 95 % points
 */
public record PosteriorSummary(double[] mean, double[] variance, double[] lower, double[] upper) {
  /** The interval's lower probability. */
  public static final double LOWER = 0.05;
  /** The interval's upper probability. */
  public static final double UPPER = 0.95;

  /**
   * Summarises {@code samples} rows of {@code d} values each, stored row after row in {@code flat}
   * from {@code from}.
   */
  public static PosteriorSummary of(double[] flat, int from, int samples, int d) {
    if (samples < 2) {
      throw new IllegalArgumentException("a summary needs at least 2 samples, got " + samples);
    }
    double[] mean = new double[d];
    double[] variance = new double[d];
    double[] lower = new double[d];
    double[] upper = new double[d];
    double[] column = new double[samples];
    for (int j = 0; j < d; j++) {
      double sum = 0;
      for (int s = 0; s < samples; s++) {
        column[s] = flat[from + s * d + j];
        sum += column[s];
      }
      double m = sum / samples;
      double ss = 0;
      for (double v : column) {
        ss += (v - m) * (v - m);
      }
      mean[j] = m;
      variance[j] = ss / (samples - 1);
      Arrays.sort(column);
      lower[j] = percentile(column, LOWER);
      upper[j] = percentile(column, UPPER);
    }
    return new PosteriorSummary(mean, variance, lower, upper);
  }

  /** Spark's {@code percentile}: linear interpolation at position p (n - 1) of sorted values. */
  static double percentile(double[] sorted, double p) {
    double position = p * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = (int) Math.ceil(position);
    if (below == above) {
      return sorted[below];
    }
    return (above - position) * sorted[below] + (position - below) * sorted[above];
  }
}
