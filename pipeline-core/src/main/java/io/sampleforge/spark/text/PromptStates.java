package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.MarkovChain;

/**
 * A masked-diffusion prompt: space-separated state names of a {@link MarkovChainModel}, fixed at
 * the first positions of the sequence (prefix conditioning). Cost: O(prompt length).
 */
final class PromptStates {
  private PromptStates() {}

  /** The state ids of {@code text} (blank = none), or throws with the reason (unknown state, too long, impossible). */
  static int[] parse(MarkovChainModel model, MarkovChain chain, String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] words = t.split("\\s+");
    if (words.length > model.length()) {
      throw new IllegalArgumentException(words.length + " tokens, more than model.length " + model.length());
    }
    int[] ids = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      ids[i] = model.id(words[i]);
      if (ids[i] < 0) {
        throw new IllegalArgumentException("unknown state '" + words[i] + "' at token " + i + " (model.states "
            + model.states() + ")");
      }
    }
    double p = chain.marginal(0)[ids[0]];
    for (int i = 1; i < ids.length && p > 0; i++) {
      p *= chain.power(1, ids[i - 1], ids[i]);
    }
    if (!(p > 0)) {
      throw new IllegalArgumentException("probability zero under the chain (model.initial or a model.transitions entry"
          + " it uses is 0)");
    }
    return ids;
  }
}
