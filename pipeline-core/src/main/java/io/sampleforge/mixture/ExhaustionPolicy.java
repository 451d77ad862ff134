package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * What happens when a source is asked for more rows than it has (Hugging Face {@code
 * interleave_datasets}' first_exhausted / all_exhausted, tf.data's {@code stop_on_empty_dataset}):
 * {@code stop} refuses the plan naming the source; {@code renormalise} gives the source all its rows
 * and shares the shortfall among the other sources by the same weights, iterated until no source is
 * over; {@code with-replacement} repeats the source's rows (every row floor(c/n) times, then c mod n
 * rows chosen uniformly without replacement for one more copy: an exact-count, stratified form of
 * sampling with replacement, as epochs of upsampling are).
 */
public enum ExhaustionPolicy {
  STOP("stop"), RENORMALISE("renormalise"), WITH_REPLACEMENT("with-replacement");

  private final String id;

  ExhaustionPolicy(String id) {
    this.id = id;
  }

  /** The config spelling. */
  public String id() {
    return id;
  }

  /** Parses {@code value} for parameter {@code key}. */
  public static ExhaustionPolicy parse(String key, String value) {
    for (ExhaustionPolicy p : values()) {
      if (p.id.equals(value)) {
        return p;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(ExhaustionPolicy::id).toList(),
        "'" + value + "'");
  }
}
