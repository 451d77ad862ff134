package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of the {@link DreamSampler}, with the names and defaults of Dream's {@code
 * DreamGenerationConfig} (Dream-org Dream-v0 {@code generation_utils.py}): {@code steps} 512, {@code
 * eps} 1e-3 (the times are linspace(1, eps, steps + 1)), {@code alg} origin, {@code alg_temp} 0
 * (Dream's None: top-k by confidence), {@code temperature} 0 (argmax), {@code top_p} 1 and {@code
 * top_k} 0 (Dream's None: off). top_p in (0, 1] and top_k >= 0 warp every per-position distribution
 * after the temperature, with Dream's rules ({@link DreamWarpers}).
 */
public record DreamSettings(int steps, double eps, DreamAlgorithm alg, double algTemp, double temperature,
    double topP, int topK) implements Serializable {
  public DreamSettings {
    if (steps < 1 || steps >= DiffusionDraws.MAX_STEPS) {
      throw ConfigException.of("steps", "must be an integer in [1, " + (DiffusionDraws.MAX_STEPS - 1) + "]", steps);
    }
    if (!(eps > 0 && eps < 1)) {
      throw ConfigException.of("eps", "must be a float in (0, 1) (the last time of linspace(1, eps, steps + 1))", eps);
    }
    if (alg == null) {
      throw ConfigException.of("alg", "must be one of origin, maskgit_plus, topk_margin, entropy", "null");
    }
    if (!(algTemp >= 0) || Double.isInfinite(algTemp)) {
      throw ConfigException.of("alg_temp", "must be a finite float >= 0 (0 = top-k by confidence)", algTemp);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ConfigException.of("temperature", "must be a finite float >= 0 (0 = argmax)", temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw ConfigException.of("top_p", "must be a float in (0, 1] (1 = off)", topP);
    }
    if (topK < 0) {
      throw ConfigException.of("top_k", "must be an integer >= 0 (0 = off)", topK);
    }
  }

  /** The settings without top-p or top-k. */
  public DreamSettings(int steps, double eps, DreamAlgorithm alg, double algTemp, double temperature) {
    this(steps, eps, alg, algTemp, temperature, 1, 0);
  }

  /** Whether top-p or top-k changes the per-position distributions. */
  public boolean warps() {
    return topP < 1 || topK > 0;
  }

  /** Dream's defaults: 512 steps, eps 1e-3, origin, no alg_temp, temperature 0, no top-p or top-k. */
  public static DreamSettings defaults() {
    return new DreamSettings(512, 1e-3, DreamAlgorithm.ORIGIN, 0, 0);
  }

  /** Time i of linspace(1, eps, steps + 1), i in [0, steps], in float64. */
  public double time(int i) {
    return i == steps ? eps : 1 + (eps - 1) * i / steps;
  }

  /**
   * The tokens a confidence step i commits when the row has {@code masked} masks: int(n (1 - s/t))
   * with t = time(i), s = time(i + 1), and all of them in the last step (Dream {@code
   * number_transfer_tokens}). Computed in float64 for the row's own count (Dream uses the batch
   * mean of the counts, in float32).
   */
  public int transferCount(int masked, int step) {
    if (step == steps - 1) {
      return masked;
    }
    return (int) (masked * (1 - time(step + 1) / time(step)));
  }

  /** The unmasking probability of {@code origin} in step i: 1 - s/t, and 1 in the last step. */
  public double unmaskProbability(int step) {
    return step == steps - 1 ? 1 : 1 - time(step + 1) / time(step);
  }
}
