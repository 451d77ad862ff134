package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.NoiseLevel;

/**
 * A denoiser whose data prediction x0_hat(x_t) can be differentiated: {@link #linearise} evaluates
 * x0_hat on rows at one level and keeps what a vector-Jacobian product (d x0_hat / d x_t)^T u needs.
 * Gradient-guided posterior samplers (TDS, DPS) push the measurement residual through it. The exact
 * GMM denoiser gives it in closed form ({@link GaussianMixtureJacobian}); networks use DJL autograd on
 * the PyTorch engine ({@link io.sampleforge.model.AutogradDenoiser}: exported TorchScript denoisers and
 * train-denoiser MLPs; ONNX models cannot be differentiated). A {@link #linearise} call is one model
 * evaluation (NFE); each product costs about one more (for a network: one backward pass over the graph
 * the linearisation kept, no second forward). A linearisation may be valid only until the next
 * {@link #linearise} call on the same instance (the autograd one frees its graph then).
 */
public interface DifferentiableDenoiser {
  /** The per-row dimension D. */
  int dimension();

  /** x0_hat and its Jacobian at rows x (rows x D) at {@code level} (sigma > 0). */
  Linearisation linearise(double[] x, int rows, NoiseLevel level);

  /** The data prediction at some rows and the means to pull a vector back through it. */
  interface Linearisation {
    /** x0_hat, rows x D (the caller may not modify it). */
    double[] data();

    /** out_r = (d x0_hat(x_r) / d x_r)^T u_r for every row r (u and out rows x D). */
    void vectorJacobianProduct(double[] u, double[] out);
  }
}
