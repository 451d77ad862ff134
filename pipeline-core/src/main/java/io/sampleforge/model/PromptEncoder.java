package io.sampleforge.model;

/**
 * How a model turns prompt text into token ids (its tokenizer plus any start-of-sequence id),
 * without loading the model itself: what a task needs to check prompt lengths. Close it when done.
 * Cost: one tokenizer load per encoder, then the tokenizer's cost per prompt.
 */
public interface PromptEncoder extends AutoCloseable {
  int[] encode(String text);

  @Override
  void close();
}
