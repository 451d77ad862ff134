package io.sampleforge.diffusion.continuous;

/**
 * A Gaussian diffusion model: given rows x_t (flat, row-major [rows, dimension]) and each row's noise
 * level, its prediction of the declared {@link PredictionType}. Implementations: the exact {@link
 * GaussianMixtureDenoiser}; exported networks later (issue 22). A call is one network evaluation (NFE)
 * whatever the number of rows; the solvers count them. Implementations must be pure functions of
 * their inputs (no hidden randomness), and may be called from one thread at a time.
 */
public interface Denoiser {
  /** The per-row dimension D. */
  int dimension();

  /** What {@link #predict} returns. */
  PredictionType predictionType();

  /**
   * Writes the prediction for row r (x[r * D .. r * D + D)) at level {@code levels[r]} into the same
   * slots of {@code out}. Every level has sigma > 0.
   */
  void predict(double[] x, NoiseLevel[] levels, double[] out);

  /** Convenience: rows as double[B][D], one level per row. */
  default double[][] predict(double[][] rows, NoiseLevel[] levels) {
    int d = dimension();
    double[] flat = new double[rows.length * d];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * d, d);
    }
    double[] out = new double[flat.length];
    predict(flat, levels, out);
    double[][] res = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      res[r] = java.util.Arrays.copyOfRange(out, r * d, r * d + d);
    }
    return res;
  }
}
