package io.sampleforge.text;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Corpus diversity: distinct-n (Li et al. 2016), distinct n-grams over all n-grams of a corpus of token lists. O(tokens). */
public final class DiversityMetrics {
  private DiversityMetrics() {}

  public static double distinct(List<List<String>> texts, int n) {
    Set<List<String>> seen = new HashSet<>();
    long total = 0;
    for (List<String> t : texts) {
      for (int i = 0; i + n <= t.size(); i++) {
        seen.add(List.copyOf(t.subList(i, i + n)));
        total++;
      }
    }
    return total == 0 ? 0.0 : (double) seen.size() / total;
  }
}
