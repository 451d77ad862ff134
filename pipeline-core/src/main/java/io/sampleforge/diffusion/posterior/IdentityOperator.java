package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * y = x + eta, eta ~ N(0, sigma_y^2 I_D): denoising a measured row. A = A^T = I; m = D. Cost O(D).
 */
public record IdentityOperator(int inputDimension, double noiseSigma) implements MeasurementOperator {
  public IdentityOperator {
    if (inputDimension < 1) {
      throw ConfigException.of("measurement.dimension", "must be >= 1", inputDimension);
    }
    MeasurementOperator.checkSigma(noiseSigma);
  }

  @Override
  public int outputDimension() {
    return inputDimension;
  }

  @Override
  public boolean isLinear() {
    return true;
  }

  @Override
  public void apply(double[] x, int xOff, double[] out, int outOff) {
    System.arraycopy(x, xOff, out, outOff, inputDimension);
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    System.arraycopy(y, yOff, out, outOff, inputDimension);
  }
}
