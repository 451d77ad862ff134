package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How many rows each class should have after over-sampling, with the semantics of
 * imbalanced-learn's {@code sampling_strategy} for over-samplers ({@code utils/_validation.py}):
 *
 * <ul>
 *   <li>{@code auto} / {@code not majority}: every class except the majority is raised to the
 *       majority count; {@code minority}: only the minority class; {@code not minority}: every class
 *       except the minority; {@code all}: every class.
 *   <li>a float ratio α in (0, 1], two classes only: the minority gets {@code int(α·n_maj − n_min)}
 *       new rows, an error when that is ≤ 0;
 *   <li>a map of absolute targets: every key must be a present class and every target at least the
 *       class's current count.
 * </ul>
 *
 * Ties for majority or minority go to the first class in sorted label order. Cost: O(classes).
 */
public sealed interface SamplingStrategy extends Serializable
    permits SamplingStrategy.Named, SamplingStrategy.Ratio, SamplingStrategy.Targets {

  /** Target row count per class (sorted by label) for the given current counts. */
  SortedMap<String, Long> targets(Map<String, Long> counts);

  /** Parses the textual form used in configs: a name, a float, or {@code class:count,...}. */
  static SamplingStrategy parse(String text) {
    if (text == null || text.isBlank()) {
      throw ConfigException.of("sampling_strategy", "must be auto, minority, not minority, not majority, all, a float in (0,1] or class:count pairs", "'" + text + "'");
    }
    String t = text.trim();
    for (Kind kind : Kind.values()) {
      if (kind.text.equalsIgnoreCase(t) || kind.name().equalsIgnoreCase(t)) {
        return new Named(kind);
      }
    }
    if (t.contains(":")) {
      SortedMap<String, Long> map = new TreeMap<>();
      for (String part : t.split(",")) {
        int colon = part.lastIndexOf(':');
        if (colon <= 0) {
          throw ConfigException.of("sampling_strategy", "map entries must be class:count", "'" + part.trim() + "'");
        }
        String cls = part.substring(0, colon).trim();
        String count = part.substring(colon + 1).trim();
        try {
          map.put(cls, Long.parseLong(count));
        } catch (NumberFormatException e) {
          throw ConfigException.of("sampling_strategy", "map counts must be integers", "'" + part.trim() + "'");
        }
      }
      return new Targets(map);
    }
    try {
      return new Ratio(Double.parseDouble(t));
    } catch (NumberFormatException e) {
      throw ConfigException.of("sampling_strategy",
          "must be auto, minority, not minority, not majority, all, a float in (0,1] or class:count pairs", "'" + t + "'");
    }
  }

  /** The named strategies. */
  enum Kind {
    AUTO("auto"), MINORITY("minority"), NOT_MINORITY("not minority"), NOT_MAJORITY("not majority"), ALL("all");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** A named strategy. */
  record Named(Kind kind) implements SamplingStrategy {
    @Override
    public SortedMap<String, Long> targets(Map<String, Long> counts) {
      SortedMap<String, Long> sorted = ClassCounts.requireAtLeastTwo(counts);
      String majority = ClassCounts.majority(sorted);
      String minority = ClassCounts.minority(sorted);
      long nMajority = sorted.get(majority);
      SortedMap<String, Long> out = new TreeMap<>();
      for (Map.Entry<String, Long> e : sorted.entrySet()) {
        boolean raise = switch (kind) {
          case AUTO, NOT_MAJORITY -> !e.getKey().equals(majority);
          case MINORITY -> e.getKey().equals(minority);
          case NOT_MINORITY -> !e.getKey().equals(minority);
          case ALL -> true;
        };
        out.put(e.getKey(), raise ? Math.max(nMajority, e.getValue()) : e.getValue());
      }
      return Collections.unmodifiableSortedMap(out);
    }

    @Override
    public String toString() {
      return kind.text;
    }
  }

  /** A float ratio α: minority target int(α·n_majority), two classes only. */
  record Ratio(double ratio) implements SamplingStrategy {
    public Ratio {
      if (!(ratio > 0.0 && ratio <= 1.0)) {
        throw ConfigException.of("sampling_strategy", "as a float must be in (0, 1]", ratio);
      }
    }

    @Override
    public SortedMap<String, Long> targets(Map<String, Long> counts) {
      SortedMap<String, Long> sorted = ClassCounts.requireAtLeastTwo(counts);
      if (sorted.size() != 2) {
        throw ConfigException.of("sampling_strategy",
            "can be a float only with exactly two classes (use class:count pairs for multi-class)",
            ratio + " with " + sorted.size() + " classes " + ClassCounts.describe(sorted.keySet()));
      }
      String majority = ClassCounts.majority(sorted);
      String minority = ClassCounts.minority(sorted);
      long nMin = sorted.get(minority);
      long nNew = (long) (ratio * sorted.get(majority) - nMin);
      if (nNew <= 0) {
        throw ConfigException.of("sampling_strategy",
            "as a ratio must ask for more minority rows than exist (int(ratio*n_majority - n_minority) > 0)",
            ratio + " gives int(" + ratio + "*" + sorted.get(majority) + " - " + nMin + ") = " + nNew);
      }
      SortedMap<String, Long> out = new TreeMap<>(sorted);
      out.put(minority, nMin + nNew);
      return Collections.unmodifiableSortedMap(out);
    }

    @Override
    public String toString() {
      return Double.toString(ratio);
    }
  }

  /** Absolute targets per named class; unnamed classes keep their count. */
  record Targets(SortedMap<String, Long> wanted) implements SamplingStrategy {
    public Targets {
      if (wanted.isEmpty()) {
        throw ConfigException.of("sampling_strategy", "as a map must name at least one class", "{}");
      }
      wanted = Collections.unmodifiableSortedMap(new TreeMap<>(wanted));
    }

    @Override
    public SortedMap<String, Long> targets(Map<String, Long> counts) {
      SortedMap<String, Long> sorted = ClassCounts.requireAtLeastTwo(counts);
      SortedMap<String, Long> out = new TreeMap<>(sorted);
      for (Map.Entry<String, Long> e : wanted.entrySet()) {
        Long have = sorted.get(e.getKey());
        if (have == null) {
          throw ConfigException.of("sampling_strategy", "names a class that is not present in the label column (present: " + ClassCounts.describe(sorted.keySet()) + ")", "'" + e.getKey() + "'");
        }
        if (e.getValue() < have) {
          throw ConfigException.of("sampling_strategy",
              "targets must be at least the class's current count (over-sampling never removes rows)",
              "'" + e.getKey() + "': " + e.getValue() + " < " + have + " existing rows");
        }
        out.put(e.getKey(), e.getValue());
      }
      return Collections.unmodifiableSortedMap(out);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      wanted.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
      return sb.toString();
    }
  }
}
