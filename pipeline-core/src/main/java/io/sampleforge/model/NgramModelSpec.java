package io.sampleforge.model;

import ai.djl.Device;
import io.sampleforge.text.Vocabulary;
import io.sampleforge.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;

/** The trained Kneser-Ney model itself (small; shipped whole) with the built-in word tokenizer. A class, not a record, so that Kryo can broadcast it. */
public final class NgramModelSpec implements ModelSpec {
  private static final long serialVersionUID = 1L;
  private final KneserNeyLm lm;

  public NgramModelSpec(KneserNeyLm lm) {
    this.lm = lm;
  }

  public KneserNeyLm lm() {
    return lm;
  }

  @Override
  public LoadedModel open(Device device) {
    WordTokenizer tokenizer = new WordTokenizer();
    return new LoadedModel(lm, text -> lm.vocabulary().encode(tokenizer.tokenize(text)), ids -> {
      List<String> words = new ArrayList<>(ids.length);
      for (int id : ids) {
        words.add(lm.vocabulary().token(id));
      }
      return tokenizer.detokenize(words);
    }, eosIds(), bannedIds(), () -> { });
  }

  @Override
  public List<Integer> eosIds() {
    return List.of(Vocabulary.EOS);
  }

  @Override
  public List<Integer> bannedIds() {
    return List.of(Vocabulary.UNK, Vocabulary.BOS);
  }

  @Override
  public PromptEncoder encoder() {
    WordTokenizer tokenizer = new WordTokenizer();
    return new PromptEncoder() {
      @Override
      public int[] encode(String text) {
        return lm.vocabulary().encode(tokenizer.tokenize(text));
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public int context() {
    return 0;
  }

  @Override
  public boolean startsWithBos() {
    return false;
  }

  @Override
  public String identity() {
    return lm.identity();
  }
}
