package io.sampleforge.subset;

import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: the GME reference's algorithm re-derived from its description, recomputing every
 * candidate's entropies from scratch each step with scipy.stats.entropy's arithmetic (p = c / sum,
 * renormalised by numpy's pairwise sum, -p ln p summed pairwise, np.round to 5 decimals) and the
 * selectors' numpy arithmetic; ties go to the first remaining item. O(picks x items x vocabulary).
 * It shares no arithmetic with production: numpy's summation order and the selector's direction
 * (dutopia minimises the distance to the utopia point, sum maximises) are written out here.
 */
final class ReferenceGme {
  /** items[d][j] = the values (ids in [0, cardinality[j])) of item d in column j, one per relation. */
  static List<Object[]> run(int[][][] items, int[] cardinality, boolean binarised, EntropySelector selector, int picks) {
    int cols = cardinality.length;
    long[][] state = new long[cols][];
    for (int j = 0; j < cols; j++) {
      state[j] = new long[cardinality[j]];
    }
    List<Integer> remaining = new ArrayList<>();
    for (int d = 0; d < items.length; d++) {
      remaining.add(d);
    }
    List<Object[]> out = new ArrayList<>();
    for (int r = 0; r < picks; r++) {
      int bestPos = -1;
      double bestValue = 0;
      double[] bestH = null;
      for (int pos = 0; pos < remaining.size(); pos++) {
        int d = remaining.get(pos);
        double[] h = new double[cols];
        for (int j = 0; j < cols; j++) {
          long[] c = state[j].clone();
          add(c, items[d][j], binarised);
          h[j] = entropy(c);
        }
        double v = objective(h, cardinality, selector);
        if (bestPos < 0 || (selector == EntropySelector.DUTOPIA ? v < bestValue : v > bestValue)) {
          bestPos = pos;
          bestValue = v;
          bestH = h;
        }
      }
      int chosen = remaining.remove(bestPos);
      for (int j = 0; j < cols; j++) {
        add(state[j], items[chosen][j], binarised);
      }
      out.add(new Object[] {chosen, bestH, bestValue});
    }
    return out;
  }

  private static void add(long[] c, int[] values, boolean binarised) {
    if (binarised) {
      java.util.Arrays.stream(values).distinct().forEach(v -> c[v]++);
    } else {
      for (int v : values) {
        c[v]++;
      }
    }
  }

  static double entropy(long[] counts) {
    int n = counts.length;
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return 0.0;
    }
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = (double) counts[i] / (double) total;
    }
    double s = numpySum(p, n);
    double[] vec = new double[n];
    for (int i = 0; i < n; i++) {
      double q = p[i] / s;
      vec[i] = q > 0 ? -q * StrictMath.log(q) : 0.0;
    }
    double h = numpySum(vec, n);
    return Math.rint(h * 1e5) / 1e5 + 0.0;
  }

  static double objective(double[] h, int[] cardinality, EntropySelector selector) {
    if (selector == EntropySelector.SUM) {
      double s = 0.0;
      for (double x : h) {
        s += x;
      }
      return s;
    }
    double[] sq = new double[h.length];
    for (int j = 0; j < h.length; j++) {
      double diff = h[j] - StrictMath.log(cardinality[j]);
      sq[j] = diff * diff;
    }
    return Math.sqrt(numpySum(sq, h.length));
  }

  /**
   * numpy 1.24 {@code add.reduce} of a contiguous double vector, transcribed from
   * numpy/core/src/umath/loops_utils.h.src {@code pairwise_sum}: 0 + (below 8 terms a plain loop;
   * up to 128 terms eight strided partial sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), the
   * tail added one by one; above 128 split at n/2 rounded down to a multiple of 8).
   */
  static double numpySum(double[] a, int n) {
    return 0.0 + pairwiseSum(java.util.Arrays.copyOf(a, n));
  }

  private static double pairwiseSum(double[] a) {
    int n = a.length;
    if (n < 8) {
      double res = 0.0;
      for (double x : a) {
        res += x;
      }
      return res;
    }
    if (n <= 128) {
      double[] r = java.util.Arrays.copyOf(a, 8);
      int full = n - n % 8;
      for (int i = 8; i < full; i += 8) {
        for (int k = 0; k < 8; k++) {
          r[k] += a[i + k];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (int i = full; i < n; i++) {
        res += a[i];
      }
      return res;
    }
    int half = n / 2;
    half -= half % 8;
    return pairwiseSum(java.util.Arrays.copyOfRange(a, 0, half)) + pairwiseSum(java.util.Arrays.copyOfRange(a, half, n));
  }
}
