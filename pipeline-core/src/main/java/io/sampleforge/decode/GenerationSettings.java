package io.sampleforge.decode;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.List;

/**
 * Validated settings of a generation run around the sampler: samples per prompt, the new-token
 * limit, stop strings, the batch size (rows decoded together; never changes the output) and the
 * seed.
 */
public record GenerationSettings(SamplerSettings sampler, int samplesPerPrompt, int maxNewTokens, List<String> stop,
    int batchSize, long seed) implements Serializable {

  /** Defaults of the generate job's keys and of the TextGenerator stage's Params, stated once. */
  public static final class Defaults {
    public static final int SAMPLES_PER_PROMPT = 1;
    public static final int MAX_NEW_TOKENS = 32;
    public static final int BATCH_SIZE = 64;

    private Defaults() {}
  }

  public GenerationSettings {
    if (sampler == null) {
      throw new ConfigException("generation settings need sampler settings");
    }
    if (samplesPerPrompt < 1) {
      throw ConfigException.of("samples_per_prompt", "must be >= 1", samplesPerPrompt);
    }
    if (maxNewTokens < 1) {
      throw ConfigException.of("max_new_tokens", "must be >= 1", maxNewTokens);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
    for (String s : stop) {
      if (s == null || s.isEmpty()) {
        throw ConfigException.of("stop", "must hold non-empty strings", stop);
      }
    }
  }
}
