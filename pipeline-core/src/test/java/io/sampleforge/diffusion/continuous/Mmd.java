package io.sampleforge.diffusion.continuous;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.TestStreams;

/**
 * Two-sample test by the unbiased MMD^2 with a Gaussian kernel whose bandwidth is the median pairwise
 * distance of the pooled sample (Gretton et al. 2012), thresholded by the (1 - level) quantile of the
 * statistic under keyed random permutations of the pooled sample. Test-side only; public for the
 * trained-denoiser tests of io.sampleforge.diffusion.training.
 */
public final class Mmd {
  final double statistic;
  final double threshold;

  private Mmd(double statistic, double threshold) {
    this.statistic = statistic;
    this.threshold = threshold;
  }

  public boolean rejects() {
    return statistic > threshold;
  }

  public static Mmd test(double[] a, double[] b, int d, int permutations, double level, long seed) {
    int n = a.length / d;
    int m = b.length / d;
    int t = n + m;
    double[] pooled = new double[t * d];
    System.arraycopy(a, 0, pooled, 0, a.length);
    System.arraycopy(b, 0, pooled, a.length, b.length);
    double[] dist = new double[t * (t - 1) / 2];
    double[][] k = new double[t][t];
    int p = 0;
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        double s = 0;
        for (int c = 0; c < d; c++) {
          double x = pooled[i * d + c] - pooled[j * d + c];
          s += x * x;
        }
        k[i][j] = s;
        dist[p++] = Math.sqrt(s);
      }
    }
    java.util.Arrays.sort(dist);
    double bw = dist[dist.length / 2];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        k[i][j] = Math.exp(-k[i][j] / (2 * bw * bw));
        k[j][i] = k[i][j];
      }
      k[i][i] = 1;
    }
    int[] idx = new int[t];
    for (int i = 0; i < t; i++) {
      idx[i] = i;
    }
    double observed = statistic(k, idx, n);
    double[] perm = new double[permutations];
    KeyedStream s = TestStreams.of(seed, "mmd-permutation", 0);
    long counter = 0;
    for (int r = 0; r < permutations; r++) {
      for (int i = t - 1; i > 0; i--) {
        int j = s.nextIndex(counter++, i + 1);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
      }
      perm[r] = statistic(k, idx, n);
    }
    java.util.Arrays.sort(perm);
    return new Mmd(observed, perm[(int) Math.ceil((1 - level) * permutations) - 1]);
  }

  /** Unbiased MMD^2 between idx[0..n) and idx[n..t). */
  private static double statistic(double[][] k, int[] idx, int n) {
    int t = idx.length;
    int m = t - n;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < t; i++) {
      double[] row = k[idx[i]];
      boolean left = i < n;
      for (int j = i + 1; j < t; j++) {
        double v = row[idx[j]];
        boolean rightLeft = j < n;
        if (left && rightLeft) {
          xx += v;
        } else if (!left && !rightLeft) {
          yy += v;
        } else {
          xy += v;
        }
      }
    }
    return 2 * xx / (n * (n - 1.0)) + 2 * yy / (m * (m - 1.0)) - 2 * xy / ((double) n * m);
  }

  public double statistic() {
    return statistic;
  }

  public double threshold() {
    return threshold;
  }

  @Override
  public String toString() {
    return "MMD^2 " + statistic + " vs threshold " + threshold;
  }
}
