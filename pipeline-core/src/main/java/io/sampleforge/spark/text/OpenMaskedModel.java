package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.MaskedDenoiser;

/**
 * A {@link MaskedModelSpec} opened in a task: its prompts, its denoiser, the token space the samplers
 * and rewards see, and how a finished sequence is read back into text. Cost: the implementation's.
 */
public interface OpenMaskedModel extends MaskedPrompts {
  MaskedDenoiser denoiser();

  /** Mask id, end-of-sequence ids and (on demand) the token strings. */
  TokenSpace tokens();

  /** The generated part of {@code tokens}, from position {@code from} on. */
  MaskedCompletion read(int[] tokens, int from);
}
