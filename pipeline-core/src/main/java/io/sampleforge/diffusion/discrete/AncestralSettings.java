package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of the {@link AncestralSampler}, with kuleshov-group/mdlm's names and defaults:
 * {@code steps} 128 (sampling.steps), {@code schedule} log-linear, {@code eps} 1e-5 (the times are
 * linspace(1, eps, steps + 1)), {@code cache} on (predictor {@code ddpm_cache}), {@code
 * noise_removal} on.
 */
public record AncestralSettings(int steps, MaskSchedule schedule, double eps, boolean cache, boolean noiseRemoval)
    implements Serializable {
  public AncestralSettings {
    if (steps < 1 || steps >= DiffusionDraws.MAX_STEPS) {
      throw ConfigException.of("steps", "must be an integer in [1, " + (DiffusionDraws.MAX_STEPS - 1) + "]", steps);
    }
    if (schedule == null) {
      throw ConfigException.of("schedule", "must be one of log-linear, linear, cosine", "null");
    }
    if (!(eps > 0 && eps < 1)) {
      throw ConfigException.of("eps", "must be a float in (0, 1) (the last sampling time)", eps);
    }
  }

  /** MDLM's defaults: 128 steps, log-linear, eps 1e-5, cache and noise removal on. */
  public static AncestralSettings defaults() {
    return new AncestralSettings(128, MaskSchedule.LOG_LINEAR, 1e-5, true, true);
  }

  /** Time i of the grid linspace(1, eps, steps + 1), i in [0, steps]. */
  public double time(int i) {
    return i == steps ? eps : 1 + (eps - 1) * i / steps;
  }
}
