package io.sampleforge.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToyGrammarTest {
  private final ToyGrammar grammar = new ToyGrammar();
  private final WordTokenizer tokenizer = new WordTokenizer();

  @Test
  void everyGeneratedSentenceIsGrammaticalAndTheCorpusIsVaried() {
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      String s = grammar.sentence(1, i);
      assertTrue(grammar.grammatical(tokenizer.tokenize(s)), s);
      distinct.add(s);
    }
    assertTrue(distinct.size() > 4000, "distinct sentences " + distinct.size());
    assertEquals(grammar.sentence(1, 7), grammar.sentence(1, 7));
  }

  @Test
  void handWrittenCases() {
    assertTrue(ok("the cat sleeps ."));
    assertTrue(ok("some big red dogs chase a bird near the farmers ."));
    assertTrue(ok("every old teacher likes the children with a cat near many dogs ."));
    assertFalse(ok("the cat sleep ."), "agreement");
    assertFalse(ok("a cats sleeps ."), "determiner agreement");
    assertFalse(ok("the cat sleeps"), "final period");
    assertFalse(ok("the big big big cat sleeps ."), "at most two adjectives");
    assertFalse(ok("cat the sleeps ."), "word order");
    assertFalse(ok("the cat sees ."), "transitive verb needs an object");
  }

  /** Power: corrupting generated sentences (a swapped pair of words) is detected most of the time. */
  @Test
  void corruptedSentencesAreRejected() {
    int rejected = 0;
    int n = 2000;
    for (int i = 0; i < n; i++) {
      List<String> t = new ArrayList<>(tokenizer.tokenize(grammar.sentence(2, i)));
      int a = i % (t.size() - 1);
      java.util.Collections.swap(t, a, a + 1);
      if (!grammar.grammatical(t)) {
        rejected++;
      }
    }
    assertTrue(rejected > 0.9 * n, "rejected " + rejected);
  }

  @Test
  void distinctN() {
    List<List<String>> corpus = List.of(List.of("a", "b", "a", "b"), List.of("a", "b"));
    assertEquals(2.0 / 6, DiversityMetrics.distinct(corpus, 1), 1e-12);
    assertEquals(2.0 / 4, DiversityMetrics.distinct(corpus, 2), 1e-12);
  }

  private boolean ok(String s) {
    return grammar.grammatical(tokenizer.tokenize(s));
  }
}
