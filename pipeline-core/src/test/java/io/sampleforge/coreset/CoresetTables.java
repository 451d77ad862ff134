package io.sampleforge.coreset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small test tables (a fixture): Gaussian rows, optionally with a few high-leverage rows. */
final class CoresetTables {
  private CoresetTables() {}

  static List<String> columns(int d) {
    List<String> c = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      c.add("f" + j);
    }
    return c;
  }

  /**
   * n x d Gaussian rows with unequal column scales; the last column is zero except in {@code spikes}
   * rows (value 3 + row index mod 5 there), so those rows carry almost all of that direction's leverage.
   */
  static double[][] gaussian(int n, int d, int spikes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = (j + 1) * gaussian(r) + (j == 0 ? 2.0 : 0.0);
      }
      if (spikes > 0) {
        a[i][d - 1] = i % (n / spikes) == 0 ? 3 + (i % 5) : 0.0;
      }
    }
    return a;
  }

  static long[] keys(int n) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = io.sampleforge.random.Hash64.mix(i + 1000L);
    }
    return k;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
