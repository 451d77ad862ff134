package io.sampleforge.diffusion.discrete;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The distribution of tokens committed per step over many {@link DiffusionSample}s (their {@link
 * DiffusionSample#commitsPerStep()}): counts()[k] is the number of steps that committed k tokens.
 * Mutable and mergeable (one per partition, merged on the driver, for a manifest). Cost: O(steps)
 * per sample added.
 */
public final class CommitHistogram implements Serializable {
  private static final long serialVersionUID = 1L;
  private long[] counts = new long[0];
  private long steps;
  private long tokens;

  /** Adds the steps of one sample (nothing for a sample that reports no per-step commits). */
  public CommitHistogram add(DiffusionSample sample) {
    for (int k : sample.commitsPerStep()) {
      addSteps(k, 1);
    }
    return this;
  }

  /** Adds another histogram's steps into this one. */
  public CommitHistogram merge(CommitHistogram other) {
    for (int k = 0; k < other.counts.length; k++) {
      if (other.counts[k] > 0) {
        addSteps(k, other.counts[k]);
      }
    }
    return this;
  }

  private void addSteps(int k, long n) {
    if (k < 0) {
      throw new IllegalArgumentException("a step cannot commit " + k + " tokens");
    }
    if (k >= counts.length) {
      counts = Arrays.copyOf(counts, k + 1);
    }
    counts[k] += n;
    steps += n;
    tokens += (long) k * n;
  }

  /** counts()[k]: the steps that committed k tokens (a copy; length = the largest k + 1). */
  public long[] counts() {
    return counts.clone();
  }

  /** The steps counted (the model calls of the samples added). */
  public long steps() {
    return steps;
  }

  /** The tokens committed over all steps counted. */
  public long tokens() {
    return tokens;
  }

  /** Tokens per step, NaN when no step was counted. */
  public double mean() {
    return steps == 0 ? Double.NaN : (double) tokens / steps;
  }
}
