package io.sampleforge.model;

import io.sampleforge.text.ToyGrammar;
import io.sampleforge.text.Vocabulary;
import io.sampleforge.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the built-in Kneser-Ney model ({@link KneserNeyLm}) from raw texts: each non-blank text is
 * split by {@link WordTokenizer}, the vocabulary is every word seen (in first-seen order), and the
 * model is trained on the encoded sentences. Cost: O(tokens x order) time and memory.
 */
public final class NgramTraining {
  /** Defaults of the generate job's n-gram keys and of the TextGenerator stage's Params, stated once. */
  public static final class Defaults {
    public static final int ORDER = 4;
    /** The corpus name of the built-in toy grammar (anything else is a table path). */
    public static final String TOY_CORPUS = "toy";
    public static final String TEXT_COLUMN = "text";
    public static final int TOY_SENTENCES = 20_000;
    public static final long CORPUS_SEED = 1L;

    private Defaults() {}
  }

  private NgramTraining() {}

  /** The model of {@code order} trained on {@code texts}; null and blank texts are skipped. */
  public static KneserNeyLm fromTexts(int order, List<String> texts) {
    WordTokenizer tokenizer = new WordTokenizer();
    List<List<String>> sentences = new ArrayList<>();
    for (String t : texts) {
      if (t != null && !t.isBlank()) {
        sentences.add(tokenizer.tokenize(t));
      }
    }
    Vocabulary v = Vocabulary.of(sentences.stream().flatMap(List::stream).toList());
    return KneserNeyLm.train(order, v, sentences.stream().map(v::encode).toList());
  }

  /** The model of {@code order} trained on the toy grammar's sentences 0..sentences-1 under {@code seed}. */
  public static KneserNeyLm onToyGrammar(int order, long seed, int sentences) {
    ToyGrammar g = new ToyGrammar();
    List<String> texts = new ArrayList<>(sentences);
    for (int i = 0; i < sentences; i++) {
      texts.add(g.sentence(seed, i));
    }
    return fromTexts(order, texts);
  }
}
