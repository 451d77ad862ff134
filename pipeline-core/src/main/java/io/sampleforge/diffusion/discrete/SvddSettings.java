package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of reward-guided ancestral decoding ({@link SvddSampler}): the base {@link
 * AncestralSettings}; {@code svdd_candidates} M (default 10, SVDD's README); {@code svdd_alpha}
 * (default 0: keep the best candidate, SVDD's alpha -> 0; alpha > 0 samples the candidate index with
 * probability proportional to exp(v / alpha)); {@code svdd_rerank_fraction} (default 1: every step
 * draws M candidates; f < 1 draws them only in steps i >= floor((1 - f) steps), DiDi-Instruct's
 * schedule). {@link #didiInstruct} gives DiDi-Instruct's reranking: M = 4, alpha 1 (index ~
 * softmax(reward)), fraction 0.5. Errors are {@link ConfigException}s (exit code 2) naming the key.
 */
public record SvddSettings(AncestralSettings base, int candidates, double alpha, double rerankFraction)
    implements Serializable {
  /** An upper bound on M that keeps one step's value batch (B M rows) reasonable. */
  public static final int MAX_CANDIDATES = 1024;

  public SvddSettings {
    if (base == null) {
      throw ConfigException.of("steps", "SVDD needs the ancestral sampler's settings", "null");
    }
    if (candidates < 1 || candidates > MAX_CANDIDATES) {
      throw ConfigException.of("svdd_candidates", "must be an integer in [1, " + MAX_CANDIDATES + "]", candidates);
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw ConfigException.of("svdd_alpha", "must be a finite float >= 0 (0 = keep the best candidate)", alpha);
    }
    if (!(rerankFraction > 0 && rerankFraction <= 1)) {
      throw ConfigException.of("svdd_rerank_fraction", "must be a float in (0, 1] (1 = every step)", rerankFraction);
    }
  }

  /** SVDD's defaults on MDLM's ancestral defaults: M = 10, alpha 0, every step. */
  public static SvddSettings defaults() {
    return new SvddSettings(AncestralSettings.defaults(), 10, 0, 1);
  }

  /** DiDi-Instruct's reranking (haoyangzheng-ai/didi-instruct reward_guided_ancestral_step): M = 4, alpha 1, the later half. */
  public static SvddSettings didiInstruct(AncestralSettings base) {
    return new SvddSettings(base, 4, 1, 0.5);
  }

  /** The first step that draws M candidates: floor((1 - fraction) steps). */
  public int firstRerankStep() {
    return (int) Math.floor((1 - rerankFraction) * base.steps());
  }

  /** The candidates step {@code step} draws: M from {@link #firstRerankStep()} on, else 1. */
  public int candidatesAt(int step) {
    return step >= firstRerankStep() ? candidates : 1;
  }
}
