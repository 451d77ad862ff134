package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * y = K * x + eta: a separable blur of each channel of a [C, H, W] row with zero padding and output the
 * same size (a "same" convolution, as {@code torch.nn.functional.conv2d(x, k, padding=size // 2)} per
 * channel; DPS's and DDRM's blur operators), eta ~ N(0, sigma_y^2 I). The taps t (from {@link
 * BlurKernel}) are symmetric, so the operator is its own adjoint: A^T = A (convolution with the flipped
 * kernel, which is the kernel). Linear; m = D = C H W. Cost O(D size) per row in either direction.
 */
public final class BlurOperator implements MeasurementOperator {
  private final ImageShape shape;
  private final double[] taps;
  private final double noiseSigma;

  public BlurOperator(ImageShape shape, double[] taps, double noiseSigma) {
    if (shape == null) {
      throw ConfigException.of("operator.shape", "is required for a blur", null);
    }
    if (taps == null || taps.length % 2 == 0) {
      throw ConfigException.of("operator.size", "must be an odd number of taps", taps == null ? null : taps.length);
    }
    for (int i = 0; i < taps.length; i++) {
      if (!Double.isFinite(taps[i]) || taps[i] != taps[taps.length - 1 - i]) {
        throw new IllegalArgumentException("blur taps must be finite and symmetric: tap " + i + " = " + taps[i]);
      }
    }
    this.shape = shape;
    this.taps = taps.clone();
    this.noiseSigma = MeasurementOperator.checkSigma(noiseSigma);
  }

  public ImageShape shape() {
    return shape;
  }

  @Override
  public int inputDimension() {
    return shape.size();
  }

  @Override
  public int outputDimension() {
    return shape.size();
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
    int h = shape.height();
    int w = shape.width();
    int half = taps.length / 2;
    double[] rows = new double[h * w];
    for (int c = 0; c < shape.channels(); c++) {
      int base = c * h * w;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double s = 0;
          for (int t = -half; t <= half; t++) {
            int jj = j + t;
            if (jj >= 0 && jj < w) {
              s += taps[t + half] * x[xOff + base + i * w + jj];
            }
          }
          rows[i * w + j] = s;
        }
      }
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double s = 0;
          for (int t = -half; t <= half; t++) {
            int ii = i + t;
            if (ii >= 0 && ii < h) {
              s += taps[t + half] * rows[ii * w + j];
            }
          }
          out[outOff + base + i * w + j] = s;
        }
      }
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    apply(y, yOff, out, outOff);
  }
}
