package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How the text rewards read a token sequence: {@code vocabulary.get(id)} is the string of token id,
 * ids in {@code skipIds} (padding, end of sequence, the mask) are dropped, and the words are joined
 * by {@code separator} ({@code " "} for a word-level vocabulary, {@code ""} for subword pieces that
 * carry their own spaces). Cost: O(L) per sequence.
 */
public record TokenText(List<String> vocabulary, int[] skipIds, String separator) implements Serializable {
  public TokenText {
    if (vocabulary == null || vocabulary.isEmpty()) {
      throw ConfigException.of("reward_vocabulary", "must list at least one token string", vocabulary);
    }
    vocabulary = List.copyOf(vocabulary);
    skipIds = skipIds == null ? new int[0] : skipIds.clone();
    separator = separator == null ? " " : separator;
  }

  @Override
  public int[] skipIds() {
    return skipIds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenText t && vocabulary.equals(t.vocabulary) && java.util.Arrays.equals(skipIds, t.skipIds)
        && separator.equals(t.separator);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(vocabulary, java.util.Arrays.hashCode(skipIds), separator);
  }

  @Override
  public String toString() {
    return "TokenText[" + vocabulary.size() + " tokens, skipIds=" + java.util.Arrays.toString(skipIds) + ", separator='"
        + separator + "']";
  }

  /** The strings of the tokens that are not skipped, in order; an id outside the vocabulary is an error. */
  public List<String> words(int[] tokens) {
    List<String> out = new ArrayList<>(tokens.length);
    outer:
    for (int l = 0; l < tokens.length; l++) {
      int id = tokens[l];
      for (int s : skipIds) {
        if (s == id) {
          continue outer;
        }
      }
      if (id < 0 || id >= vocabulary.size()) {
        throw new IllegalArgumentException("token " + id + " at position " + l + " is outside the reward vocabulary [0, "
            + vocabulary.size() + ")");
      }
      out.add(vocabulary.get(id));
    }
    return out;
  }

  /** The words joined by the separator. */
  public String text(int[] tokens) {
    return String.join(separator, words(tokens));
  }
}
