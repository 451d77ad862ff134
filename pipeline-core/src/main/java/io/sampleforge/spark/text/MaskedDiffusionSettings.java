package io.sampleforge.spark.text;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * What {@link MaskedDiffusionGeneration} runs: the sampler ({@link DiffusionKernel}), the samples per
 * prompt, the batch size (sequences per model call; never changes the output, except that ODD always
 * gets all samples of a prompt in one call) and the seed of the keyed draws. Cost: O(1).
 */
public record MaskedDiffusionSettings(DiffusionKernel kernel, int samplesPerPrompt, int batchSize, long seed)
    implements Serializable {
  public MaskedDiffusionSettings {
    if (kernel == null) {
      throw new IllegalArgumentException("a masked-diffusion sampler must be given");
    }
    if (samplesPerPrompt < 1) {
      throw ConfigException.of("samples_per_prompt", "must be >= 1", samplesPerPrompt);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
  }

  /** The sampler as JSON, for the output's {@code sampler} column and the manifest. */
  public String describe() {
    return kernel.describe();
  }
}
