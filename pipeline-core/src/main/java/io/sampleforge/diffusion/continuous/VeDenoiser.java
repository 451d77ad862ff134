package io.sampleforge.diffusion.continuous;

/**
 * A native VE / EDM model (Karras et al. 2022, arXiv 2206.00364; Song et al. 2021 VE SDE): given rows
 * x = x0 + s eps in VE units (flat, row-major [rows, dimension]) and each row's VE sigma s > 0, its
 * prediction: {@link PredictionType#SAMPLE} is EDM's denoiser D(x; s) = E[x0 | x], {@link
 * PredictionType#EPSILON} is eps = (x - D) / s (the same eps as in VP units). The VP solvers run it through
 * {@link VeToVpDenoiser}. Implementations must be pure functions of their inputs; one call is one network
 * evaluation whatever the number of rows.
 */
public interface VeDenoiser {
  /** The per-row dimension D. */
  int dimension();

  /** What {@link #predict} returns: {@code sample} (D(x; s)) or {@code epsilon}. */
  PredictionType predictionType();

  /** Writes the prediction for row r (x[r * D .. r * D + D)) at VE sigma {@code sigmas[r]} into the same slots of out. */
  void predict(double[] x, double[] sigmas, double[] out);
}
