package io.sampleforge.diffusion.continuous;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * Weights and systematic resampling of one group of K particles (Kitagawa 1996; Douc, Cappe and
 * Moulines 2005), as Feynman-Kac corrector SMC uses them ({@code sample_cat_sys} in
 * martaskrt/fkc-diffusion, without its clipping of weights at 1e-6):
 * <ul>
 *   <li>{@link #normalise}: w_i = exp(l_i - max l) / sum_j exp(l_j - max l) in float64;</li>
 *   <li>{@link #effectiveSize}: ESS = 1 / sum_i w_i^2, in [1, K];</li>
 *   <li>{@link #ancestors}: one uniform U in [0, 1), points u_i = (U + i) / K, and particle i's parent
 *       is the j with C_{j-1} <= u_i < C_j (C the cumulative weights); particle j then has floor(K w_j)
 *       or ceil(K w_j) offspring, and E[offspring] = K w_j exactly;</li>
 *   <li>{@link #uniform}: U is the keyed draw (seed, {@link RandomPurpose#FKC_RESAMPLING}, group key),
 *       draw index = the step, so a group's resampling never depends on other groups.</li>
 * </ul>
 * Cost: O(K) per group and step, no allocation beyond the returned arrays.
 */
public final class SystematicResampling {
  private SystematicResampling() {}

  /** The normalised weights of log-weights l[from .. from + k) (log-sum-exp in float64). */
  public static double[] normalise(double[] logWeights, int from, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      max = Math.max(max, logWeights[from + i]);
    }
    if (!Double.isFinite(max)) {
      throw new IllegalArgumentException("log-weights must have a finite maximum; got " + max);
    }
    double[] w = new double[k];
    double total = 0;
    for (int i = 0; i < k; i++) {
      w[i] = Math.exp(logWeights[from + i] - max);
      total += w[i];
    }
    for (int i = 0; i < k; i++) {
      w[i] /= total;
    }
    return w;
  }

  /** ESS = 1 / sum w_i^2 of normalised weights. */
  public static double effectiveSize(double[] weights) {
    double s = 0;
    for (double w : weights) {
      s += w * w;
    }
    return 1.0 / s;
  }

  /** The parent index (in [0, K)) of each of the K resampled particles, for U = {@code u} in [0, 1). */
  public static int[] ancestors(double[] weights, double u) {
    if (!(u >= 0 && u < 1)) {
      throw new IllegalArgumentException("the systematic uniform must be in [0, 1); got " + u);
    }
    int k = weights.length;
    int[] parent = new int[k];
    int j = 0;
    double cumulative = weights[0];
    for (int i = 0; i < k; i++) {
      double point = (u + i) / k;
      while (point >= cumulative && j < k - 1) {
        j++;
        cumulative += weights[j];
      }
      parent[i] = j;
    }
    return parent;
  }

  /** The group's systematic uniform U at {@code step}: a pure function of (seed, group key, step). */
  public static double uniform(long seed, long groupKey, int step) {
    return KeyedStream.of(seed, RandomPurpose.FKC_RESAMPLING, groupKey).uniform(step);
  }
}
