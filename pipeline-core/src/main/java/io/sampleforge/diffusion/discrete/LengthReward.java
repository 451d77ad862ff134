package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;

/**
 * A length reward: n = the number of tokens before the first stop id (end of sequence, padding; all
 * of them without one). {@link #longer} rewards n itself; {@link #target} rewards -|n - target|
 * (config key {@code reward_target_length}). Cost: O(L).
 */
public final class LengthReward implements SequenceReward {
  private static final long serialVersionUID = 1L;
  private final int target;
  private final int[] stopIds;

  private LengthReward(int target, int[] stopIds) {
    this.target = target;
    this.stopIds = stopIds == null ? new int[0] : stopIds.clone();
  }

  /** r = n: longer sequences are better. */
  public static LengthReward longer(int[] stopIds) {
    return new LengthReward(-1, stopIds);
  }

  /** r = -|n - target|. */
  public static LengthReward target(int target, int[] stopIds) {
    if (target < 0) {
      throw ConfigException.of("reward_target_length", "must be an integer >= 0", target);
    }
    return new LengthReward(target, stopIds);
  }

  /** Tokens before the first stop id. */
  public int length(int[] tokens) {
    for (int l = 0; l < tokens.length; l++) {
      for (int s : stopIds) {
        if (tokens[l] == s) {
          return l;
        }
      }
    }
    return tokens.length;
  }

  @Override
  public double reward(int[] tokens) {
    int n = length(tokens);
    return target < 0 ? n : -Math.abs(n - target);
  }
}
