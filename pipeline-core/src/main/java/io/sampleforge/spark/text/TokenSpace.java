package io.sampleforge.spark.text;

import java.util.List;
import java.util.function.Supplier;

/**
 * The token ids a masked-diffusion sampler needs to know about: the mask id, the end-of-sequence ids
 * (ODD leaves their columns out of the repulsion, rewards skip them) and the string of every token
 * id, computed the first time a reward asks for it (a large tokenizer's vocabulary is only read when
 * a text reward needs it). Cost: O(1), then O(V) once.
 */
public final class TokenSpace {
  private final int vocabularySize;
  private final int maskId;
  private final int[] eosIds;
  private final Supplier<List<String>> vocabulary;
  private List<String> strings;

  public TokenSpace(int vocabularySize, int maskId, int[] eosIds, Supplier<List<String>> vocabulary) {
    this.vocabularySize = vocabularySize;
    this.maskId = maskId;
    this.eosIds = eosIds.clone();
    this.vocabulary = vocabulary;
  }

  /** V, the model's token ids [0, V), mask included. */
  public int vocabularySize() {
    return vocabularySize;
  }

  public int maskId() {
    return maskId;
  }

  public int[] eosIds() {
    return eosIds.clone();
  }

  /** The mask and end-of-sequence ids: what a text reward skips. */
  public int[] skipIds() {
    int[] out = java.util.Arrays.copyOf(eosIds, eosIds.length + 1);
    out[eosIds.length] = maskId;
    return out;
  }

  /** The string of each token id, in id order. */
  public synchronized List<String> vocabulary() {
    if (strings == null) {
      strings = List.copyOf(vocabulary.get());
    }
    return strings;
  }
}
