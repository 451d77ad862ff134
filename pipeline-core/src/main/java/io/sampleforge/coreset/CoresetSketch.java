package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;

/**
 * How the d x d factor of the leverage scores is obtained (the {@code coreset} job's {@code sketch}).
 *
 * <ul>
 *   <li>{@link #NONE}: exactly, from the Gram matrix A^T A ({@link GramFactor}).</li>
 *   <li>{@link #COUNTSKETCH}: from a QR of the CountSketch SA (s x d, one O(nd) pass; Clarkson and Woodruff,
 *       "Low rank approximation and regression in input sparsity time", STOC 2013), giving approximate
 *       leverage ||a_i R^{-1}||^2 as in Drineas, Magdon-Ismail, Mahoney and Woodruff, "Fast approximation
 *       of matrix coherence and statistical leverage" (JMLR 2012) ({@link SketchFactor}).</li>
 * </ul>
 */
public enum CoresetSketch {
  NONE("none"),
  COUNTSKETCH("countsketch");

  private final String id;

  CoresetSketch(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static CoresetSketch parse(String text) {
    for (CoresetSketch s : values()) {
      if (s.id.equals(text)) {
        return s;
      }
    }
    throw ConfigException.of("sketch", "must be none | countsketch", "'" + text + "'");
  }
}
