package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of the {@link FirstHittingSampler}: the {@code schedule} (it only sets the times
 * a time-conditioned model sees) and {@code tokens_per_step} k: 1 is the exact first-hitting
 * sampler, k > 1 the approximate parallel variant (k positions per model call, each drawn from its
 * own conditional given the state before the call).
 */
public record FirstHittingSettings(MaskSchedule schedule, int tokensPerStep) implements Serializable {
  public FirstHittingSettings {
    if (schedule == null) {
      throw ConfigException.of("schedule", "must be one of log-linear, linear, cosine", "null");
    }
    if (tokensPerStep < 1) {
      throw ConfigException.of("tokens_per_step", "must be an integer >= 1 (1 = exact first-hitting sampling)",
          tokensPerStep);
    }
  }

  /** The exact sampler: log-linear, one token per model call. */
  public static FirstHittingSettings defaults() {
    return new FirstHittingSettings(MaskSchedule.LOG_LINEAR, 1);
  }

  /** Whether the sampler is exact in distribution (one token per model call). */
  public boolean exact() {
    return tokensPerStep == 1;
  }
}
