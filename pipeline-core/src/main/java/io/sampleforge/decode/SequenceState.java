package io.sampleforge.decode;

import java.util.Arrays;

/**
 * One row of a decoding batch: the record key and sample index that key its random stream, the
 * prompt token ids, and the tokens generated so far (appended by {@link #append}). Mutable, owned
 * by one decoding loop.
 */
public final class SequenceState {
  private final long recordKey;
  private final int sampleIndex;
  private final int[] prompt;
  private int[] generated = new int[16];
  private int length;

  public SequenceState(long recordKey, int sampleIndex, int[] prompt) {
    this.recordKey = recordKey;
    this.sampleIndex = sampleIndex;
    this.prompt = prompt.clone();
  }

  public long recordKey() {
    return recordKey;
  }

  public int sampleIndex() {
    return sampleIndex;
  }

  public int[] prompt() {
    return prompt.clone();
  }

  int promptLength() {
    return prompt.length;
  }

  int promptToken(int i) {
    return prompt[i];
  }

  /** Tokens generated so far. */
  public int generatedCount() {
    return length;
  }

  public int[] generated() {
    return Arrays.copyOf(generated, length);
  }

  int generatedToken(int i) {
    return generated[i];
  }

  /** Position of the next token in the full sequence (prompt + generated). */
  public int position() {
    return prompt.length + length;
  }

  public void append(int token) {
    if (length == generated.length) {
      generated = Arrays.copyOf(generated, length * 2);
    }
    generated[length++] = token;
  }
}
