package io.sampleforge.spark.text;

/**
 * The generated part of one masked-diffusion sample as the output row reports it: the text, the
 * number of generated tokens in it, and why it ends: {@code eos} (the sample holds an end-of-sequence
 * token: the text stops before the first one) or {@code length} (it fills the model's length).
 */
public record MaskedCompletion(String text, int tokenCount, String finishReason) {
  public MaskedCompletion {
    if (text == null || tokenCount < 0 || !(finishReason.equals("eos") || finishReason.equals("length"))) {
      throw new IllegalArgumentException("a completion needs text, a token count >= 0 and finish reason eos or length");
    }
  }
}
