package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of the {@link ParallelDecodingSampler}, named as in NVlabs/Fast-dLLM {@code
 * llada/generate.py::generate}: {@code gen_length} (the generated span: the last gen_length positions
 * of every row), {@code block_length} (must divide gen_length), {@code temperature} (0 = argmax),
 * the confidence kind ({@code confidence}: drawn = Fast-dLLM's low_confidence, or max_probability)
 * and the commit rule ({@link CommitRule}: {@code threshold}, {@code factor} or {@code
 * frechet_margin}). Fast-dLLM's {@code steps} is only used by its fixed-count mode, which is
 * {@link LladaSampler}; with a threshold, factor or profile rule a block takes as many steps as it
 * needs (at most block_length), so there is no steps key. {@code cache} ({@link CacheMode}: none,
 * prefix or dual) is Fast-dLLM's {@code use_cache} / {@code dual_cache}. Violations are {@link
 * ConfigException}s (exit code 2) naming the key and the value.
 */
public record ParallelDecodingSettings(int genLength, int blockLength, double temperature, ConfidenceKind confidence,
    CommitRule rule, CacheMode cache) implements Serializable {
  /** Settings without a cache ({@link CacheMode#NONE}). */
  public ParallelDecodingSettings(int genLength, int blockLength, double temperature, ConfidenceKind confidence,
      CommitRule rule) {
    this(genLength, blockLength, temperature, confidence, rule, CacheMode.NONE);
  }

  public ParallelDecodingSettings {
    if (genLength < 1 || genLength >= DiffusionDraws.MAX_STEPS) {
      throw ConfigException.of("gen_length", "must be an integer in [1, " + (DiffusionDraws.MAX_STEPS - 1) + "]",
          genLength);
    }
    if (blockLength < 1) {
      throw ConfigException.of("block_length", "must be an integer >= 1", blockLength);
    }
    if (genLength % blockLength != 0) {
      throw ConfigException.of("block_length", "must divide gen_length = " + genLength
          + " exactly (gen_length % block_length = " + genLength % blockLength + ")", blockLength);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ConfigException.of("temperature", "must be a finite float >= 0 (0 = argmax)", temperature);
    }
    if (confidence == null) {
      throw ConfigException.of("confidence", "must be one of drawn, max_probability", "null");
    }
    if (rule == null) {
      throw ConfigException.of("rule", "must be one of threshold, factor, frechet_profile", "null");
    }
    if (cache == null) {
      throw ConfigException.of("cache", "must be one of none, prefix, dual", "null");
    }
  }

  /** gen_length / block_length. */
  public int blocks() {
    return genLength / blockLength;
  }
}
