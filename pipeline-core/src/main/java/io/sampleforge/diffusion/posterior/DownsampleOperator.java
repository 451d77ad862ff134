package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * y = P x + eta: average pooling of each channel of a [C, H, W] row over non-overlapping f x f blocks
 * (config key {@code operator.factor}; H and W multiples of f), as {@code
 * torch.nn.functional.avg_pool2d(x, f)} and the super-resolution operators of DPS and DDRM; eta ~ N(0,
 * sigma_y^2 I). The adjoint spreads each measured value over its block divided by f^2. Linear; m = C (H /
 * f) (W / f). Cost O(D) per row in either direction.
 */
public final class DownsampleOperator implements MeasurementOperator {
  private final ImageShape shape;
  private final int factor;
  private final double noiseSigma;

  public DownsampleOperator(ImageShape shape, int factor, double noiseSigma) {
    if (shape == null) {
      throw ConfigException.of("operator.shape", "is required for downsampling", null);
    }
    if (factor < 1 || shape.height() % factor != 0 || shape.width() % factor != 0) {
      throw ConfigException.of("operator.factor", "must be >= 1 and divide H and W of " + shape, factor);
    }
    this.shape = shape;
    this.factor = factor;
    this.noiseSigma = MeasurementOperator.checkSigma(noiseSigma);
  }

  public ImageShape shape() {
    return shape;
  }

  public int factor() {
    return factor;
  }

  @Override
  public int inputDimension() {
    return shape.size();
  }

  @Override
  public int outputDimension() {
    return shape.channels() * (shape.height() / factor) * (shape.width() / factor);
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
    int ho = h / factor;
    int wo = w / factor;
    double inv = 1.0 / ((double) factor * factor);
    for (int c = 0; c < shape.channels(); c++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
          double s = 0;
          for (int a = 0; a < factor; a++) {
            int row = xOff + (c * h + i * factor + a) * w + j * factor;
            for (int b = 0; b < factor; b++) {
              s += x[row + b];
            }
          }
          out[outOff + (c * ho + i) * wo + j] = s * inv;
        }
      }
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] out, int outOff) {
    int h = shape.height();
    int w = shape.width();
    int ho = h / factor;
    int wo = w / factor;
    double inv = 1.0 / ((double) factor * factor);
    for (int c = 0; c < shape.channels(); c++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          out[outOff + (c * h + i) * w + j] = y[yOff + (c * ho + i / factor) * wo + j / factor] * inv;
        }
      }
    }
  }
}
