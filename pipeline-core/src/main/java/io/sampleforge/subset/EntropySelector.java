package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * How the greedy maximum-entropy sampler ranks a candidate's per-column entropies (H_1..H_N), as in
 * the GME reference (Delmas et al. 2023, idiap/gme-sampler): {@link #DUTOPIA} minimises the
 * Euclidean distance to the utopia point (ln|V_1|..ln|V_N|), {@link #SUM} maximises the sum.
 */
public enum EntropySelector {
  /** argmin of ||(H_1..H_N) - (ln|V_1|..ln|V_N|)||_2. */
  DUTOPIA("dutopia"),
  /** argmax of H_1 + ... + H_N. */
  SUM("sum");

  private final String id;

  EntropySelector(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** True when a smaller objective is better. */
  public boolean minimises() {
    return this == DUTOPIA;
  }

  public static EntropySelector parse(String s) {
    if (s == null) {
      return DUTOPIA;
    }
    for (EntropySelector e : values()) {
      if (e.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw ConfigException.of("selector", "must be dutopia or sum", "'" + s + "'");
  }
}
