package io.sampleforge.diffusion.discrete;

import io.sampleforge.random.Hash64;

/**
 * Which sequence a sampler is drawing: the prompt row's record key and the sample index within the
 * row (as in the autoregressive path). With the job seed it fixes every random draw of the sequence.
 */
public record SequenceKey(long recordKey, int sampleIndex) {
  public SequenceKey {
    if (sampleIndex < 0) {
      throw new IllegalArgumentException("sample index must be >= 0, got " + sampleIndex);
    }
  }

  /** The record key of the sequence's keyed stream: combine(record key, sample index). */
  long streamKey() {
    return Hash64.combine(recordKey, sampleIndex);
  }
}
