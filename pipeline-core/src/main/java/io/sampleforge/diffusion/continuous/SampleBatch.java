package io.sampleforge.diffusion.continuous;

/**
 * The result of a solver run: the samples (flat, row-major [rows, dimension]) and the number of model
 * calls (NFE; one call evaluates every row).
 */
public record SampleBatch(double[] samples, int rows, int dimension, int modelCalls) {
  /** Row r as a fresh array. */
  public double[] row(int r) {
    return java.util.Arrays.copyOfRange(samples, r * dimension, (r + 1) * dimension);
  }
}
