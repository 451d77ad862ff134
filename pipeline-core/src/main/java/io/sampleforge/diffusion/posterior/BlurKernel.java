package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * The 1-D taps of a separable blur (config key {@code operator.kernel}), normalised to sum 1: {@code box}
 * (size equal taps) or {@code gaussian} (taps exp(-i^2 / (2 s^2)) for i in [-(size-1)/2, (size-1)/2], s =
 * {@code operator.blur_sigma}, the kernel of torchvision's {@code gaussian_blur}). The 2-D kernel is the
 * outer product of the taps with themselves. Size odd, so the blur is centred.
 */
public enum BlurKernel {
  BOX("box"),
  GAUSSIAN("gaussian");

  private final String id;

  BlurKernel(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Parses {@code operator.kernel}. */
  public static BlurKernel parse(String key, String value) {
    String v = value == null ? "gaussian" : value.trim().toLowerCase(Locale.ROOT);
    for (BlurKernel k : values()) {
      if (k.id.equals(v)) {
        return k;
      }
    }
    throw ConfigException.of(key, "must be one of [box, gaussian]", value);
  }

  /** The normalised taps for an odd {@code size} >= 1 (and sigma > 0 for gaussian). */
  public double[] taps(int size, double sigma) {
    if (size < 1 || size % 2 == 0) {
      throw ConfigException.of("operator.size", "must be an odd number >= 1", size);
    }
    double[] t = new double[size];
    int half = size / 2;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      if (this == BOX) {
        t[i] = 1.0;
      } else {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
          throw ConfigException.of("operator.blur_sigma", "must be finite and > 0 for a gaussian kernel", sigma);
        }
        double u = (i - half) / sigma;
        t[i] = Math.exp(-0.5 * u * u);
      }
      sum += t[i];
    }
    for (int i = 0; i < size; i++) {
      t[i] /= sum;
    }
    return t;
  }
}
