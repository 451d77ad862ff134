package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.AncestralSampler;
import io.sampleforge.diffusion.discrete.AncestralSettings;
import io.sampleforge.diffusion.discrete.FirstHittingSampler;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.MaskedDiffusionSampler;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Locale;

/**
 * What {@link MaskedDiffusionGeneration} runs: exactly one of the ancestral (MDLM) or first-hitting
 * sampler settings, the samples per prompt, the batch size (sequences per model call; never changes
 * the output) and the seed of the keyed draws. Cost: O(1).
 */
public record MaskedDiffusionSettings(AncestralSettings ancestral, FirstHittingSettings firstHitting,
    int samplesPerPrompt, int batchSize, long seed) implements Serializable {
  public MaskedDiffusionSettings {
    if ((ancestral == null) == (firstHitting == null)) {
      throw new IllegalArgumentException("exactly one of the ancestral and first-hitting settings must be given");
    }
    if (samplesPerPrompt < 1) {
      throw ConfigException.of("samples_per_prompt", "must be >= 1", samplesPerPrompt);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
  }

  /** The kernel sampler (keyed by {@code seed}). */
  public MaskedDiffusionSampler sampler() {
    return ancestral != null ? new AncestralSampler(ancestral, seed) : new FirstHittingSampler(firstHitting, seed);
  }

  /** The sampler as JSON, for the output's {@code sampler} column and the manifest. */
  public String describe() {
    if (ancestral != null) {
      return String.format(Locale.ROOT, "{\"sampler\":\"ancestral\",\"steps\":%d,\"schedule\":\"%s\",\"eps\":%s,"
          + "\"cache\":%b,\"noise_removal\":%b}", ancestral.steps(), ancestral.schedule().id(),
          Double.toString(ancestral.eps()), ancestral.cache(), ancestral.noiseRemoval());
    }
    return String.format(Locale.ROOT, "{\"sampler\":\"first-hitting\",\"schedule\":\"%s\",\"tokens_per_step\":%d,"
        + "\"exact\":%b}", firstHitting.schedule().id(), firstHitting.tokensPerStep(), firstHitting.exact());
  }
}
