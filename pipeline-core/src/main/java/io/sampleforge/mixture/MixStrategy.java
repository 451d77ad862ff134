package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the source weights of a mixture are chosen (the schemes of fairseq's multilingual
 * {@code sampling_method.py} and the Inf-DDS paper's baselines): {@code proportional} (w_i = n_i),
 * {@code uniform} (w_i = 1), {@code weights} (given per source), {@code temperature} (w_i = n_i^{1/T}:
 * T = 1 is proportional, T -> infinity uniform) and {@code scores} (per-source scores from a table,
 * mapped by {@link ScoreTransform}, the Inf-DDS loop).
 */
public enum MixStrategy {
  PROPORTIONAL, UNIFORM, WEIGHTS, TEMPERATURE, SCORES;

  /** The config spelling. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code value} for parameter {@code key}; names the choices when it is none of them. */
  public static MixStrategy parse(String key, String value) {
    for (MixStrategy s : values()) {
      if (s.id().equals(value)) {
        return s;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(MixStrategy::id).toList(),
        "'" + value + "'");
  }
}
