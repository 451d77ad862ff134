package io.sampleforge.diffusion.continuous;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.Arrays;

/**
 * Two-sample distances for judging samples against exact draws (flat row-major [n, D] arrays):
 * <ul>
 *   <li>{@link #mmd}: the unbiased squared maximum mean discrepancy (Gretton et al. 2012, eq. 3) with a
 *       Gaussian kernel exp(-|a - b|^2 / (2 h^2)), h the median pairwise distance of the pooled
 *       sample (the median heuristic), and a permutation test: the 1 - level quantile of the statistic
 *       over {@code permutations} keyed random relabellings of the pooled sample (p-value with the
 *       +1 correction). Cost O((n + m)^2 D) for the kernel matrix, then O((n + m)^2) per permutation;
 *       memory (n + m)^2 doubles.</li>
 *   <li>{@link #slicedWasserstein}: the mean over keyed random unit directions of the 1-D Wasserstein-1
 *       distance between the projections (equal sample sizes: the mean absolute difference of the
 *       sorted projections). Cost O(P (n log n + n D)).</li>
 * </ul>
 * Every random choice is a keyed draw ({@link RandomPurpose#SAMPLE_DISTANCE}) of the given seed, so a
 * statistic is a function of its inputs.
 */
public final class SampleDistance {
  private SampleDistance() {}

  /** An MMD permutation test's outcome. */
  public record MmdTest(double mmd2, double threshold, double pValue, double bandwidth, int permutations, double level) {
    /** Whether the test rejects "same law" at its level. */
    public boolean rejects() {
      return mmd2 > threshold;
    }
  }

  /** The MMD^2 of x (n rows) and y (m rows), both of dimension d, with its permutation threshold. */
  public static MmdTest mmd(double[] x, double[] y, int d, int permutations, double level, long seed) {
    int n = x.length / d;
    int m = y.length / d;
    if (n < 2 || m < 2 || x.length != n * d || y.length != m * d) {
      throw new IllegalArgumentException("MMD needs at least 2 rows of dimension " + d + " on each side; got "
          + x.length + " and " + y.length + " values");
    }
    if (!(level > 0 && level < 1) || permutations < 1) {
      throw new IllegalArgumentException("level must be in (0, 1) and permutations >= 1");
    }
    int total = n + m;
    double[] pooled = new double[total * d];
    System.arraycopy(x, 0, pooled, 0, x.length);
    System.arraycopy(y, 0, pooled, x.length, y.length);
    double[] sq = new double[total * total];
    double[] upper = new double[total * (total - 1) / 2];
    int u = 0;
    for (int i = 0; i < total; i++) {
      for (int j = i + 1; j < total; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          double diff = pooled[i * d + k] - pooled[j * d + k];
          s += diff * diff;
        }
        sq[i * total + j] = s;
        sq[j * total + i] = s;
        upper[u++] = s;
      }
    }
    Arrays.sort(upper);
    double medianSq = upper.length % 2 == 1 ? upper[upper.length / 2]
        : 0.5 * (upper[upper.length / 2 - 1] + upper[upper.length / 2]);
    double h2 = medianSq > 0 ? medianSq : 1.0;
    double[] kernel = new double[total * total];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = Math.exp(-sq[i] / (2 * h2));
    }
    int[] identity = new int[total];
    for (int i = 0; i < total; i++) {
      identity[i] = i;
    }
    double observed = statistic(kernel, total, identity, n);
    double[] null_ = new double[permutations];
    int atLeast = 0;
    for (int p = 0; p < permutations; p++) {
      int[] perm = identity.clone();
      KeyedStream s = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, p);
      for (int i = total - 1; i > 0; i--) {
        int j = s.nextIndex(i, i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      null_[p] = statistic(kernel, total, perm, n);
      if (null_[p] >= observed) {
        atLeast++;
      }
    }
    Arrays.sort(null_);
    double threshold = null_[Math.min(permutations - 1, (int) Math.ceil((1 - level) * permutations) - 1)];
    return new MmdTest(observed, threshold, (atLeast + 1.0) / (permutations + 1.0), Math.sqrt(h2), permutations, level);
  }

  /** Unbiased MMD^2 with rows perm[0 .. n) as the first sample and the rest as the second. */
  private static double statistic(double[] kernel, int total, int[] perm, int n) {
    int m = total - n;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int a = 0; a < total; a++) {
      int i = perm[a];
      int row = i * total;
      boolean aInX = a < n;
      for (int b = a + 1; b < total; b++) {
        double k = kernel[row + perm[b]];
        boolean bInX = b < n;
        if (aInX && bInX) {
          xx += k;
        } else if (!aInX && !bInX) {
          yy += k;
        } else {
          xy += k;
        }
      }
    }
    return 2 * xx / ((double) n * (n - 1)) + 2 * yy / ((double) m * (m - 1)) - 2 * xy / ((double) n * m);
  }

  /** The sliced Wasserstein-1 distance of two samples of equal size over {@code projections} directions. */
  public static double slicedWasserstein(double[] x, double[] y, int d, int projections, long seed) {
    int n = x.length / d;
    if (n < 1 || x.length != n * d || y.length != x.length) {
      throw new IllegalArgumentException("sliced Wasserstein needs two samples of the same size and dimension " + d);
    }
    if (projections < 1) {
      throw new IllegalArgumentException("projections must be >= 1");
    }
    double total = 0;
    double[] px = new double[n];
    double[] py = new double[n];
    double[] dir = new double[d];
    for (int p = 0; p < projections; p++) {
      KeyedStream s = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, Long.MIN_VALUE + p);
      double norm = 0;
      for (int k = 0; k < d; k++) {
        dir[k] = s.gaussian(k);
        norm += dir[k] * dir[k];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        double a = 0;
        double b = 0;
        for (int k = 0; k < d; k++) {
          a += x[i * d + k] * dir[k];
          b += y[i * d + k] * dir[k];
        }
        px[i] = a / norm;
        py[i] = b / norm;
      }
      Arrays.sort(px);
      Arrays.sort(py);
      double w = 0;
      for (int i = 0; i < n; i++) {
        w += Math.abs(px[i] - py[i]);
      }
      total += w / n;
    }
    return total / projections;
  }
}
