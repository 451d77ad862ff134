package io.sampleforge.spark.text;

/**
 * How a masked-diffusion model reads a prompt: the token ids fixed at the first positions of the
 * sequence (prefix conditioning). Cost: the tokenizer's, O(prompt length).
 */
public interface MaskedPrompts extends AutoCloseable {
  /**
   * The prompt's token ids (a blank prompt: none), or an IllegalArgumentException saying why the
   * text cannot be a prompt (unknown token, longer than the model's length, ...).
   */
  int[] encode(String text);

  @Override
  void close();
}
