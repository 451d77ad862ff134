package io.sampleforge.spark.text;

import java.io.Serializable;

/**
 * The model of masked-diffusion generation, as shipped to the tasks: the built-in exact {@link
 * MarkovChainModel} (states given in the config) or an {@link ExportedMaskedModel} (a TorchScript
 * masked LM with a Hugging Face tokenizer.json). Both fix the total sequence length (prompt plus
 * generated span). {@link #prompts()} is the cheap side (prompt encoding only, for validation passes);
 * {@link #open()} adds the denoiser and the decoding of samples (once per task). Cost: the
 * implementation's; a model file is loaded once per JVM and device.
 */
public sealed interface MaskedModelSpec extends Serializable permits MarkovChainModel, ExportedMaskedModel {
  /** The model's identity JSON, for the output's {@code model} column and the manifest. */
  String identity();

  /** V: the token ids are [0, V), the mask included. */
  int vocabularySize();

  /** Positions per sequence, prompt included. */
  int length();

  /** Prompt encoding only (no model weights). */
  MaskedPrompts prompts();

  /** Prompts, denoiser and decoding, for a task (the caller closes it). */
  OpenMaskedModel open();
}
