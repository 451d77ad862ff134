package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.text.HfTokenizer;
import io.sampleforge.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the {@code bad_words} setting into token ids of a model (transformers' {@code
 * bad_words_ids} for single tokens): for the n-gram model each word is looked up in its vocabulary
 * (a word it never saw can never be generated, so there is nothing to ban); for an exported model
 * each word must encode to exactly one token of its tokenizer. Cost: one tokenizer load.
 */
public final class BannedTokens {
  private BannedTokens() {}

  public static List<Integer> ids(ModelSpec spec, List<String> words) {
    List<Integer> ids = new ArrayList<>();
    if (words.isEmpty()) {
      return ids;
    }
    if (spec instanceof NgramModelSpec n) {
      words.stream().map(w -> n.lm().vocabulary().id(w)).filter(id -> id != Vocabulary.UNK).forEach(ids::add);
      return ids;
    }
    try (HfTokenizer t = HfTokenizer.load(((ExportedModelSpec) spec).localTokenizer())) {
      for (String w : words) {
        int[] enc = t.encode(w);
        if (enc.length != 1) {
          throw ConfigException.of("bad_words", "must be single tokens of the model's tokenizer", "'" + w + "'");
        }
        ids.add(enc[0]);
      }
    }
    return ids;
  }
}
