package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;

/**
 * How m rows are drawn from the scores s_i (S = sum of s_i).
 *
 * <ul>
 *   <li>{@link #POISSON}: row i is kept independently with p_i = min(1, m s_i / S) and weight 1 / p_i;
 *       expected size sum p_i (= m unless some p_i is capped at 1).</li>
 *   <li>{@link #WITH_REPLACEMENT}: exactly m i.i.d. draws with P(i) = s_i / S; a drawn row is written
 *       once with its draw count c_i and weight c_i S / (m s_i).</li>
 * </ul>
 * Both weightings make sum_i weight_i f(a_i) an unbiased estimate of the full table's sum of f.
 */
public enum CoresetSampling {
  POISSON("poisson"),
  WITH_REPLACEMENT("with-replacement");

  private final String id;

  CoresetSampling(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static CoresetSampling parse(String text) {
    for (CoresetSampling s : values()) {
      if (s.id.equals(text)) {
        return s;
      }
    }
    throw ConfigException.of("sampling", "must be poisson | with-replacement", "'" + text + "'");
  }
}
