package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * The rule for class proportions of a generated table (config key {@code weights}): at least two,
 * each in [0, 1], summing to 1 within {@value #TOLERANCE}. They are never renormalised, so a typo
 * such as {@code [0.5, 0.6]} is an error rather than a silently different table. Cost: O(classes).
 */
public final class ClassWeights {
  /** Largest accepted distance of the sum from 1. */
  public static final double TOLERANCE = 1e-9;

  private ClassWeights() {}

  /** A copy of {@code weights} once they pass the rule; else a ConfigException naming weights. */
  public static double[] proportions(double[] weights) {
    if (weights == null || weights.length < 2) {
      throw ConfigException.of("weights", "must list at least two class weights", Arrays.toString(weights));
    }
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0 && w <= 1)) {
        throw ConfigException.of("weights", "must each be in [0, 1]", w + " in " + Arrays.toString(weights));
      }
      sum += w;
    }
    if (!(Math.abs(sum - 1) <= TOLERANCE)) {
      throw ConfigException.of("weights", "must sum to 1 (within " + TOLERANCE + ")",
          "sum " + sum + " of " + Arrays.toString(weights));
    }
    return weights.clone();
  }
}
