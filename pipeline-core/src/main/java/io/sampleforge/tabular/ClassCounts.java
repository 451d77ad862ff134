package io.sampleforge.tabular;

import io.sampleforge.errors.InputDataException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Helpers over per-class row counts, labels in sorted order. Cost: O(classes). */
public final class ClassCounts {
  private ClassCounts() {}

  /** Sorted copy; an error when fewer than two classes are present. */
  public static SortedMap<String, Long> requireAtLeastTwo(Map<String, Long> counts) {
    SortedMap<String, Long> sorted = new TreeMap<>(counts);
    if (sorted.size() < 2) {
      throw InputDataException.of("label", "must hold at least two classes to over-sample",
          "only " + describe(sorted.keySet()) + " present");
    }
    return sorted;
  }

  /** Labels for messages: all of them when few, else the first ten and how many more. */
  public static String describe(java.util.Collection<String> labels) {
    if (labels.size() <= 10) {
      return labels.toString();
    }
    return labels.stream().limit(10).toList().toString().replace("]", ", ... (" + labels.size() + " classes)]");
  }

  /** The class with the most rows; ties to the first in sorted order. */
  public static String majority(SortedMap<String, Long> sorted) {
    String best = null;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      if (best == null || e.getValue() > sorted.get(best)) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** The class with the fewest rows; ties to the first in sorted order. */
  public static String minority(SortedMap<String, Long> sorted) {
    String best = null;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      if (best == null || e.getValue() < sorted.get(best)) {
        best = e.getKey();
      }
    }
    return best;
  }
}
