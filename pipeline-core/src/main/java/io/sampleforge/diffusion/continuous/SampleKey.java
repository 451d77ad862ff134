package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Which sample a sampler is drawing: the request row's record key and the sample index within the
 * row. With the job seed it fixes every random draw of the sample (its x_T and every SDE increment),
 * whatever the batch or partition it is drawn in.
 */
public record SampleKey(long recordKey, int sampleIndex) {
  public SampleKey {
    if (sampleIndex < 0) {
      throw ConfigException.of("sample index", "must be >= 0", sampleIndex);
    }
  }
}
