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
  }

  /**
   * A sentence is a function of (seed, index) alone: the corpus written in reverse order on four
   * threads by a fresh grammar equals the one written in order, and another seed gives another corpus.
   */
  @Test
  void sentencesDependOnSeedAndIndexOnly() throws Exception {
    int n = 2000;
    List<String> inOrder = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inOrder.add(grammar.sentence(1, i));
    }
    ToyGrammar fresh = new ToyGrammar();
    String[] reversed = new String[n];
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
      for (int part = 0; part < 4; part++) {
        int p = part;
        parts.add(pool.submit(() -> {
          for (int i = n - 1 - p; i >= 0; i -= 4) {
            reversed[i] = fresh.sentence(1, i);
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(inOrder, List.of(reversed), "reverse order on 4 threads");
    int same = 0;
    for (int i = 0; i < n; i++) {
      same += grammar.sentence(2, i).equals(inOrder.get(i)) ? 1 : 0;
    }
    assertTrue(same < n / 10, "seed 2 repeats seed 1's sentence at " + same + " of " + n + " indices");
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

  private boolean ok(String s) {
    return grammar.grammatical(tokenizer.tokenize(s));
  }
}
