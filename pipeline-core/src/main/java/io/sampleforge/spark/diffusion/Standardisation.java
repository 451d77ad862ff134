package io.sampleforge.spark.diffusion;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-column affine map between a table's units and a model's standardised space: data = mean +
 * scale * model (scale > 0). {@link #identity} for models defined in the table's units. Cost O(D) per row.
 */
public record Standardisation(double[] mean, double[] scale) implements Serializable {
  public Standardisation {
    if (mean == null || scale == null || mean.length != scale.length) {
      throw new IllegalArgumentException("mean and scale must have the same length");
    }
    for (int i = 0; i < scale.length; i++) {
      if (!Double.isFinite(mean[i]) || !(scale[i] > 0) || Double.isInfinite(scale[i])) {
        throw ConfigException.of("standardisation[" + i + "]", "needs a finite mean and a finite scale > 0",
            mean[i] + ", " + scale[i]);
      }
    }
    mean = mean.clone();
    scale = scale.clone();
  }

  /** The identity map of dimension d. */
  public static Standardisation identity(int d) {
    double[] ones = new double[d];
    Arrays.fill(ones, 1.0);
    return new Standardisation(new double[d], ones);
  }

  public int dimension() {
    return mean.length;
  }

  public boolean isIdentity() {
    for (int i = 0; i < mean.length; i++) {
      if (mean[i] != 0 || scale[i] != 1) {
        return false;
      }
    }
    return true;
  }

  /** Maps the model-space row at {@code from} in {@code flat} to table units, in place. */
  public void toData(double[] flat, int from) {
    for (int i = 0; i < mean.length; i++) {
      flat[from + i] = mean[i] + scale[i] * flat[from + i];
    }
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardisation s && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "Standardisation[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
