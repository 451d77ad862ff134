package io.sampleforge.decode;

/** Why a sample stopped: an end-of-sequence token, the max_new_tokens limit, or a stop string. */
public enum FinishReason {
  EOS, LENGTH, STOP;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
