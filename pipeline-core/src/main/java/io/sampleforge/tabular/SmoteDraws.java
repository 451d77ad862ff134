package io.sampleforge.tabular;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.random.KeyedStream;

/**
 * The random choices of SMOTE (Chawla et al., "SMOTE: Synthetic Minority Over-sampling Technique",
 * JAIR 2002), all drawn from keyed streams so that they depend only on (seed, parent key, child
 * index):
 *
 * <ul>
 *   <li>quota: every row of a class gets {@code floor(n_new / n)} children and the {@code n_new mod n}
 *       rows with the smallest {@link #quotaPriority} get one more (no row is left unused when
 *       n_new ≥ n, unlike imbalanced-learn's draws with replacement, issue #597);
 *   <li>child j of a parent picks neighbour rank {@link #neighborRank} uniformly among its k
 *       nearest same-class rows, and a gap u = {@link #gap} uniform in [0, 1);
 *   <li>the synthetic point is {@code parent + u · (neighbour − parent)} ({@link #interpolate}).
 * </ul>
 * Cost: O(1) per draw, O(d) per interpolation.
 */
public final class SmoteDraws {

  private SmoteDraws() {}

  /** Sort key deciding which rows receive the remainder children: smaller first. */
  public static double quotaPriority(long seed, long recordKey) {
    return KeyedStream.of(seed, RandomPurpose.SMOTE_QUOTA, recordKey).uniform(0);
  }

  /** Rank (0-based) among the parent's neighbours used by child {@code child}. */
  public static int neighborRank(long seed, long parentKey, long child, int neighbors) {
    return KeyedStream.of(seed, RandomPurpose.SMOTE_NEIGHBOR, parentKey).nextIndex(child, neighbors);
  }

  /** Interpolation gap of child {@code child}, uniform in [0, 1). */
  public static double gap(long seed, long parentKey, long child) {
    return KeyedStream.of(seed, RandomPurpose.SMOTE_GAP, parentKey).uniform(child);
  }

  /** Standard normal draw j of child {@code child} of a parent, for the smoothed bootstrap. */
  public static double noise(long seed, long parentKey, long child, int dims, int j) {
    return KeyedStream.of(seed, RandomPurpose.BOOTSTRAP_NOISE, parentKey).gaussian(child * dims + j);
  }

  /**
   * The SMOTE interpolation of one feature, parent + u · (neighbour − parent) in float64: the one
   * place it is written; every plan (resident, distributed, vector or column features) computes a
   * synthetic row's features through it.
   */
  public static double interpolate(double parent, double neighbor, double u) {
    return parent + u * (neighbor - parent);
  }

  /** {@link #interpolate(double, double, double)} feature by feature. */
  public static double[] interpolate(double[] parent, double[] neighbor, double u) {
    double[] out = new double[parent.length];
    for (int i = 0; i < parent.length; i++) {
      out[i] = interpolate(parent[i], neighbor[i], u);
    }
    return out;
  }
}
