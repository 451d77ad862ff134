package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of the {@link LladaSampler}, with the names and defaults of ML-GSAI/LLaDA
 * {@code generate.py::generate}: {@code gen_length} 128 (the generated span: the last gen_length
 * positions of every row), {@code block_length} 128, {@code steps} 128, {@code temperature} 0
 * (argmax), {@code cfg_scale} 0 (no guidance), {@code remasking} low_confidence. LLaDA asserts
 * gen_length % block_length == 0 and steps % (gen_length / block_length) == 0; here they are
 * {@link ConfigException}s (exit code 2) naming the key and the values.
 */
public record LladaSettings(int genLength, int blockLength, int steps, double temperature, double cfgScale,
    RemaskingRule remasking) implements Serializable {
  public LladaSettings {
    if (genLength < 1) {
      throw ConfigException.of("gen_length", "must be an integer >= 1", genLength);
    }
    if (blockLength < 1) {
      throw ConfigException.of("block_length", "must be an integer >= 1", blockLength);
    }
    if (genLength % blockLength != 0) {
      throw ConfigException.of("block_length", "must divide gen_length = " + genLength + " exactly (gen_length % block_length = "
          + genLength % blockLength + ")", blockLength);
    }
    int blocks = genLength / blockLength;
    if (steps < 1 || steps >= DiffusionDraws.MAX_STEPS) {
      throw ConfigException.of("steps", "must be an integer in [1, " + (DiffusionDraws.MAX_STEPS - 1) + "]", steps);
    }
    if (steps % blocks != 0) {
      throw ConfigException.of("steps", "must be a multiple of the number of blocks gen_length / block_length = "
          + genLength + " / " + blockLength + " = " + blocks + " (steps % blocks = " + steps % blocks + ")", steps);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ConfigException.of("temperature", "must be a finite float >= 0 (0 = argmax)", temperature);
    }
    if (!(cfgScale >= 0) || Double.isInfinite(cfgScale)) {
      throw ConfigException.of("cfg_scale", "must be a finite float >= 0 (0 = no classifier-free guidance)", cfgScale);
    }
    if (remasking == null) {
      throw ConfigException.of("remasking", "must be one of low_confidence, random, topk_margin, entropy", "null");
    }
  }

  /** LLaDA's defaults: 128 steps, gen_length 128, block_length 128, temperature 0, cfg_scale 0, low_confidence. */
  public static LladaSettings defaults() {
    return new LladaSettings(128, 128, 128, 0, 0, RemaskingRule.LOW_CONFIDENCE);
  }

  /** gen_length / block_length. */
  public int blocks() {
    return genLength / blockLength;
  }

  /** steps / blocks: the model calls (per guidance branch) a block may take. */
  public int stepsPerBlock() {
    return steps / blocks();
  }

  /**
   * The tokens a block with {@code masks} masked positions commits in each of its {@code steps}
   * steps: floor(masks / steps) each, plus 1 in the first masks % steps steps (LLaDA {@code
   * get_num_transfer_tokens}); they sum to {@code masks}.
   */
  public static int[] transferCounts(int masks, int steps) {
    if (masks < 0 || steps < 1) {
      throw new IllegalArgumentException("masks " + masks + " must be >= 0 and steps " + steps + " >= 1");
    }
    int[] counts = new int[steps];
    for (int i = 0; i < steps; i++) {
      counts[i] = masks / steps + (i < masks % steps ? 1 : 0);
    }
    return counts;
  }
}
