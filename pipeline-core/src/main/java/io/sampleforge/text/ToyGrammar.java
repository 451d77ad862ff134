package io.sampleforge.text;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.random.KeyedStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small probabilistic grammar of English-like sentences with number agreement, written for this
 * project as a toy benchmark in the spirit of the AriEL paper's toy grammar: sentences are
 * {@code NP[n] VP[n] .}, noun phrases {@code Det[n] Adj{0,2} N[n] (PP)}, prepositional phrases
 * {@code P NP}, verb phrases {@code TV[n] NP (PP)} or {@code IV[n] (PP)}, where [n] is singular or
 * plural and must agree. {@link #sentence} generates (keyed by seed and index), {@link
 * #grammatical} recognises the language exactly (a recursive-descent parser over all analyses), so
 * any sampler's output gets an automatic quality number. Cost: O(length^2) per check.
 */
public final class ToyGrammar implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> DET_S = List.of("a", "every", "the");
  private static final List<String> DET_P = List.of("some", "many", "the");
  private static final List<String> N_S = List.of("cat", "dog", "bird", "child", "teacher", "farmer");
  private static final List<String> N_P = List.of("cats", "dogs", "birds", "children", "teachers", "farmers");
  private static final List<String> ADJ = List.of("big", "small", "happy", "red", "quiet", "old");
  private static final List<String> PREP = List.of("with", "near", "behind");
  private static final List<String> TV_S = List.of("sees", "chases", "likes", "follows");
  private static final List<String> TV_P = List.of("see", "chase", "like", "follow");
  private static final List<String> IV_S = List.of("sleeps", "runs", "sings");
  private static final List<String> IV_P = List.of("sleep", "run", "sing");

  /** Every word of the grammar. */
  public Set<String> words() {
    Set<String> w = new HashSet<>();
    for (List<String> l : List.of(DET_S, DET_P, N_S, N_P, ADJ, PREP, TV_S, TV_P, IV_S, IV_P)) {
      w.addAll(l);
    }
    w.add(".");
    return w;
  }

  /** Sentence number {@code index} of the corpus with this seed. */
  public String sentence(long seed, long index) {
    KeyedStream s = KeyedStream.of(seed, RandomPurpose.TOY_GRAMMAR, index);
    long[] draw = {0};
    List<String> out = new ArrayList<>();
    boolean plural = s.uniform(draw[0]++) < 0.5;
    nounPhrase(s, draw, plural, true, out);
    if (s.uniform(draw[0]++) < 0.65) {
      out.add(pick(s, draw, plural ? TV_P : TV_S));
      nounPhrase(s, draw, s.uniform(draw[0]++) < 0.5, true, out);
    } else {
      out.add(pick(s, draw, plural ? IV_P : IV_S));
    }
    if (s.uniform(draw[0]++) < 0.15) {
      prepositional(s, draw, out);
    }
    out.add(".");
    return String.join(" ", out);
  }

  private static void nounPhrase(KeyedStream s, long[] draw, boolean plural, boolean allowPp, List<String> out) {
    out.add(pick(s, draw, plural ? DET_P : DET_S));
    double a = s.uniform(draw[0]++);
    int adjectives = a < 0.6 ? 0 : a < 0.9 ? 1 : 2;
    for (int i = 0; i < adjectives; i++) {
      out.add(pick(s, draw, ADJ));
    }
    out.add(pick(s, draw, plural ? N_P : N_S));
    if (allowPp && s.uniform(draw[0]++) < 0.2) {
      prepositional(s, draw, out);
    }
  }

  private static void prepositional(KeyedStream s, long[] draw, List<String> out) {
    out.add(pick(s, draw, PREP));
    nounPhrase(s, draw, s.uniform(draw[0]++) < 0.5, false, out);
  }

  private static String pick(KeyedStream s, long[] draw, List<String> options) {
    return options.get(s.nextIndex(draw[0]++, options.size()));
  }

  /** True when the tokens form a sentence of the grammar (exactly, with agreement and the final period). */
  public boolean grammatical(List<String> tokens) {
    int n = tokens.size();
    if (n < 3 || !tokens.get(n - 1).equals(".")) {
      return false;
    }
    for (boolean plural : new boolean[] {false, true}) {
      for (int np : nounPhrases(tokens, 0, plural, true)) {
        for (int vp : verbPhrases(tokens, np, plural)) {
          if (vp == n - 1) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean at(List<String> t, int i, List<String> words) {
    return i < t.size() && words.contains(t.get(i));
  }

  /** End positions of noun phrases of the given number starting at i. */
  private static Set<Integer> nounPhrases(List<String> t, int i, boolean plural, boolean allowPp) {
    Set<Integer> ends = new HashSet<>();
    if (!at(t, i, plural ? DET_P : DET_S)) {
      return ends;
    }
    for (int adjectives = 0; adjectives <= 2; adjectives++) {
      int j = i + 1 + adjectives;
      boolean ok = true;
      for (int k = i + 1; k < j; k++) {
        ok &= at(t, k, ADJ);
      }
      if (ok && at(t, j, plural ? N_P : N_S)) {
        ends.add(j + 1);
        if (allowPp) {
          ends.addAll(prepositionals(t, j + 1));
        }
      }
    }
    return ends;
  }

  private static Set<Integer> prepositionals(List<String> t, int i) {
    Set<Integer> ends = new HashSet<>();
    if (at(t, i, PREP)) {
      ends.addAll(nounPhrases(t, i + 1, false, false));
      ends.addAll(nounPhrases(t, i + 1, true, false));
    }
    return ends;
  }

  private static Set<Integer> verbPhrases(List<String> t, int i, boolean plural) {
    Set<Integer> ends = new HashSet<>();
    if (at(t, i, plural ? TV_P : TV_S)) {
      ends.addAll(nounPhrases(t, i + 1, false, true));
      ends.addAll(nounPhrases(t, i + 1, true, true));
    }
    if (at(t, i, plural ? IV_P : IV_S)) {
      ends.add(i + 1);
    }
    Set<Integer> withPp = new HashSet<>(ends);
    for (int e : ends) {
      withPp.addAll(prepositionals(t, e));
    }
    return withPp;
  }
}
