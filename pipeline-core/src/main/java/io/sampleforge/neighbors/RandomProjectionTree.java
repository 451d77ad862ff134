package io.sampleforge.neighbors;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.random.KeyedStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A balanced random-projection spill tree for approximate neighbour search (Dasgupta and Freund,
 * "Random projection trees", STOC 2008, with principal-direction splits as in their PCA-tree
 * variant; spill trees after Liu, Moore, Gray and Yang, NIPS 2004, as used by Approx-SMOTE's hybrid
 * spill trees). Built on a sample: each internal node projects on the top principal axis of its
 * sample rows (power iteration from a keyed random start; in every tree after the first the axis
 * is perturbed by a keyed random direction so the trees differ) and splits at the sample median;
 * a reference row whose projection falls within the central {@code spill} fraction of the node's
 * sample goes to both children, a query row goes to one. With depth D the 2^D leaves each hold about
 * n/2^D query rows and (1+spill)^D times as many reference rows. Deterministic for a given sample,
 * seed and tree index. Cost: O(S·d·D) to build on a sample of S rows; O(d·D) to route a query,
 * up to O(d·2^D) for a reference row on the spill boundaries (bounded in practice by the spill).
 */
public final class RandomProjectionTree implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int depth;
  private final double[][] directions; // heap-indexed internal nodes 1 .. 2^depth - 1
  private final double[] medians;
  private final double[] low;
  private final double[] high;

  private RandomProjectionTree(int depth, double[][] directions, double[] medians, double[] low, double[] high) {
    this.depth = depth;
    this.directions = directions;
    this.medians = medians;
    this.low = low;
    this.high = high;
  }

  /**
   * @param sample rows of the sample (not modified)
   * @param depth levels of splits (0: one leaf)
   * @param spill fraction of a node's sample around the median whose reference rows go both ways, in [0, 1)
   */
  public static RandomProjectionTree build(double[][] sample, int depth, double spill, long seed, int tree) {
    if (depth < 0 || depth > 24) {
      throw new IllegalArgumentException("depth must be in [0, 24], got " + depth);
    }
    if (!(spill >= 0 && spill < 1)) {
      throw new IllegalArgumentException("spill must be in [0, 1), got " + spill);
    }
    int nodes = 1 << depth;
    int d = sample.length == 0 ? 0 : sample[0].length;
    double[][] directions = new double[nodes][];
    double[] medians = new double[nodes];
    double[] low = new double[nodes];
    double[] high = new double[nodes];
    List<int[]> level = new ArrayList<>();
    int[] all = new int[sample.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    level.add(all);
    for (int lvl = 0, first = 1; lvl < depth; lvl++, first <<= 1) {
      List<int[]> next = new ArrayList<>();
      for (int j = 0; j < level.size(); j++) {
        int node = first + j;
        int[] rows = level.get(j);
        double[] dir = splitDirection(sample, rows, d, KeyedStream.of(seed, RandomPurpose.RP_TREE_DIRECTION, ((long) tree << 32) | node),
            tree == 0 ? 0 : JITTER);
        directions[node] = dir;
        double[] proj = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
          proj[r] = dot(sample[rows[r]], dir);
        }
        double[] sorted = proj.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
          medians[node] = 0;
          low[node] = 0;
          high[node] = 0;
        } else {
          medians[node] = sorted[(sorted.length - 1) / 2];
          low[node] = sorted[(int) Math.floor((sorted.length - 1) * (0.5 - spill / 2))];
          high[node] = sorted[(int) Math.ceil((sorted.length - 1) * (0.5 + spill / 2))];
        }
        int left = 0;
        for (double p : proj) {
          left += p <= medians[node] ? 1 : 0;
        }
        int[] l = new int[left];
        int[] h = new int[rows.length - left];
        for (int r = 0, a = 0, b = 0; r < rows.length; r++) {
          if (proj[r] <= medians[node]) {
            l[a++] = rows[r];
          } else {
            h[b++] = rows[r];
          }
        }
        next.add(l);
        next.add(h);
      }
      level = next;
    }
    return new RandomProjectionTree(depth, directions, medians, low, high);
  }

  /** Number of leaves (2^depth); leaf ids are 0 .. leaves-1. */
  public int leaves() {
    return 1 << depth;
  }

  /** The one leaf a query row belongs to. */
  public int queryLeaf(double[] x) {
    int node = 1;
    for (int lvl = 0; lvl < depth; lvl++) {
      node = 2 * node + (dot(x, directions[node]) <= medians[node] ? 0 : 1);
    }
    return node - (1 << depth);
  }

  /** Every leaf a reference row belongs to (both sides of a node when it falls in its spill band). */
  public int[] referenceLeaves(double[] x) {
    List<Integer> out = new ArrayList<>();
    collect(x, 1, 0, out);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private void collect(double[] x, int node, int lvl, List<Integer> out) {
    if (lvl == depth) {
      out.add(node - (1 << depth));
      return;
    }
    double p = dot(x, directions[node]);
    boolean left = p <= medians[node] || p <= high[node] && p >= low[node];
    boolean right = p > medians[node] || p >= low[node] && p <= high[node];
    if (left) {
      collect(x, 2 * node, lvl + 1, out);
    }
    if (right) {
      collect(x, 2 * node + 1, lvl + 1, out);
    }
  }

  /** Relative size of the random perturbation of the principal axis in trees after the first. */
  static final double JITTER = 0.5;
  private static final int POWER_ITERATIONS = 12;

  /**
   * The node's top principal axis (power iteration on its sample rows from a keyed random start),
   * perturbed by a random Gaussian direction of relative size {@code jitter} so that trees differ.
   */
  private static double[] splitDirection(double[][] sample, int[] rows, int d, KeyedStream s, double jitter) {
    double[] mean = new double[d];
    for (int r : rows) {
      for (int c = 0; c < d; c++) {
        mean[c] += sample[r][c];
      }
    }
    for (int c = 0; c < d; c++) {
      mean[c] /= Math.max(1, rows.length);
    }
    double[] v = new double[d];
    for (int c = 0; c < d; c++) {
      v[c] = s.gaussian(c);
    }
    normalise(v);
    double[] centred = new double[d];
    for (int it = 0; it < POWER_ITERATIONS && rows.length > 1; it++) {
      double[] next = new double[d];
      for (int r : rows) {
        double p = 0;
        for (int c = 0; c < d; c++) {
          centred[c] = sample[r][c] - mean[c];
          p += centred[c] * v[c];
        }
        for (int c = 0; c < d; c++) {
          next[c] += p * centred[c];
        }
      }
      if (normalise(next) == 0) {
        break;
      }
      v = next;
    }
    if (jitter > 0) {
      double[] g = new double[d];
      for (int c = 0; c < d; c++) {
        g[c] = s.gaussian(d + c);
      }
      normalise(g);
      for (int c = 0; c < d; c++) {
        v[c] += jitter * g[c];
      }
      normalise(v);
    }
    return v;
  }

  private static double normalise(double[] v) {
    double n = Math.sqrt(dot(v, v));
    if (n > 0) {
      for (int c = 0; c < v.length; c++) {
        v[c] /= n;
      }
    }
    return n;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
