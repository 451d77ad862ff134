package io.sampleforge.diversity;

import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: the GME reference's algorithm re-derived from its description, recomputing every
 * candidate's entropies from scratch each step with scipy.stats.entropy's arithmetic (p = c / sum,
 * renormalised by numpy's pairwise sum, -p ln p summed pairwise, np.round to 5 decimals) and the
 * selectors' numpy arithmetic; ties go to the first remaining item. O(picks x items x vocabulary).
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
        if (bestPos < 0 || (selector.minimises() ? v < bestValue : v > bestValue)) {
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
    double s = NumpySum.sum(p, n);
    double[] vec = new double[n];
    for (int i = 0; i < n; i++) {
      double q = p[i] / s;
      vec[i] = q > 0 ? -q * StrictMath.log(q) : 0.0;
    }
    double h = NumpySum.sum(vec, n);
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
    return Math.sqrt(NumpySum.sum(sq, h.length));
  }
}
