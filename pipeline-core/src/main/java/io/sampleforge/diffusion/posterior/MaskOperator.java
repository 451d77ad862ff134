package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * One row's masking (imputation): y = x_O + eta, the observed coordinates O in increasing order, eta ~
 * N(0, sigma_y^2 I_|O|). A is the |O| x D selection matrix (A x = x_O); its adjoint scatters y into
 * the observed slots and leaves zeros in the missing ones. A mask that observes nothing is refused
 * (issue 23: "masks that hide every cell"); one that observes everything is allowed. Cost O(D).
 */
public final class MaskOperator implements MeasurementOperator {
  private final boolean[] observed;
  private final int[] indices;
  private final double noiseSigma;

  /** observed[j]: whether coordinate j is measured (config key {@code measurement.mask}). */
  public MaskOperator(boolean[] observed, double noiseSigma) {
    if (observed == null || observed.length == 0) {
      throw ConfigException.of("measurement.mask", "must have one flag per coordinate (D >= 1)",
          observed == null ? null : "[]");
    }
    this.observed = observed.clone();
    this.indices = java.util.stream.IntStream.range(0, observed.length).filter(j -> observed[j]).toArray();
    if (indices.length == 0) {
      throw ConfigException.of("measurement.mask", "must observe at least one coordinate", Arrays.toString(observed));
    }
    this.noiseSigma = MeasurementOperator.checkSigma(noiseSigma);
  }

  /** Whether coordinate j is observed. */
  public boolean observes(int j) {
    return observed[j];
  }

  /** The observed coordinates, increasing (a copy). */
  public int[] observedIndices() {
    return indices.clone();
  }

  /** The missing coordinates, increasing. */
  public int[] missingIndices() {
    return java.util.stream.IntStream.range(0, observed.length).filter(j -> !observed[j]).toArray();
  }

  @Override
  public int inputDimension() {
    return observed.length;
  }

  @Override
  public int outputDimension() {
    return indices.length;
  }

  @Override
  public boolean isLinear() {
    return true;
  }

  @Override
  public double noiseSigma() {
    return noiseSigma;
  }

  @Override
  public void apply(double[] x, int xOff, double[] out, int outOff) {
    for (int i = 0; i < indices.length; i++) {
      out[outOff + i] = x[xOff + indices[i]];
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    Arrays.fill(out, outOff, outOff + observed.length, 0.0);
    for (int i = 0; i < indices.length; i++) {
      out[outOff + indices[i]] = y[yOff + i];
    }
  }

  @Override
  public String toString() {
    return "MaskOperator[observed=" + Arrays.toString(indices) + " of " + observed.length + ", sigma_y=" + noiseSigma + "]";
  }
}
