package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How per-source scores become weights under {@link MixStrategy#SCORES}. {@code softmax}: the Inf-DDS
 * parameterisation (arXiv 2601.21759), P(i) = softmax(psi / tau)_i, where psi_i is the score the
 * user's influence model wrote for source i and tau the score temperature (1 in the paper); {@code
 * weights}: the scores are already non-negative weights (normalised to sum 1).
 */
public enum ScoreTransform {
  SOFTMAX, WEIGHTS;

  /** The config spelling. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code value} for parameter {@code key}. */
  public static ScoreTransform parse(String key, String value) {
    for (ScoreTransform t : values()) {
      if (t.id().equals(value)) {
        return t;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(ScoreTransform::id).toList(),
        "'" + value + "'");
  }
}
