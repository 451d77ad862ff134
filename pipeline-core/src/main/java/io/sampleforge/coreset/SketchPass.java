package io.sampleforge.coreset;

import java.io.Serializable;

/**
 * One pass over the rows for sketched leverage: the CountSketch SA ({@link CountSketchAccumulator}) and,
 * when the error is to be measured, the exact Gram matrix A^T A ({@link GramAccumulator}) in the same
 * scan. Both merge order-insensitively, so the factor and the measured error do not depend on the
 * partitioning. Cost per row: O(d) for the sketch, O(d^2) more with the check.
 */
public final class SketchPass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final CountSketchAccumulator sketch;
  private final GramAccumulator gram;

  public SketchPass(int s, int d, long seed, boolean check) {
    this.sketch = new CountSketchAccumulator(s, d, seed);
    this.gram = check ? new GramAccumulator(d) : null;
  }

  public SketchPass add(long key, double[] a) {
    sketch.add(key, a);
    if (gram != null) {
      gram.add(a, 1.0);
    }
    return this;
  }

  public SketchPass merge(SketchPass other) {
    sketch.merge(other.sketch);
    if (gram != null) {
      gram.merge(other.gram);
    }
    return this;
  }

  /** The leverage factor of the sketch (see {@link SketchFactor#of}). */
  public GramFactor factor(double ridge, java.util.List<String> columns) {
    return SketchFactor.of(sketch.matrix(), ridge, columns);
  }

  /** The measured error, or {@link SketchError#NOT_MEASURED} without the check. */
  public SketchError error(double ridge, java.util.List<String> columns) {
    return gram == null ? SketchError.NOT_MEASURED : SketchFactor.error(sketch.matrix(), gram.matrix(), ridge, columns);
  }
}
