package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * Turns a row into its sampling score s_i once the d x d factor is known: leverage and ridge leverage
 * q = a^T (G + lambda I)^{-1} a, root leverage q^{p/2}, Lewis weights q^{p/2} with the factor of the last
 * Lewis Gram matrix, uniform 1. The factor is exact ({@link GramFactor}) or from a sketch
 * ({@link SketchFactor}). O(d^2) per row (O(1) for uniform).
 */
public record CoresetScoring(CoresetMethod method, double p, LeverageFactor factor) implements Serializable {

  public double score(double[] a, double[] scratch) {
    return switch (method) {
      case UNIFORM -> 1.0;
      case LEVERAGE, RIDGE_LEVERAGE -> factor.quadratic(a, scratch);
      case ROOT_LEVERAGE, LEWIS -> Math.pow(factor.quadratic(a, scratch), p / 2);
    };
  }
}
