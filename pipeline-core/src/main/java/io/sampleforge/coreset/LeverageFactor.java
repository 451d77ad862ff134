package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * A d x d factor that turns a row a into its (exact or approximate) leverage q(a) = a^T K^{-1} a, with
 * K = A^T A + lambda I ({@link GramFactor}) or K = (SA)^T SA + lambda I ({@link SketchFactor}).
 */
public interface LeverageFactor extends Serializable {
  /** q(a); {@code scratch} has length d (overwritten). O(d^2). */
  double quadratic(double[] a, double[] scratch);
}
