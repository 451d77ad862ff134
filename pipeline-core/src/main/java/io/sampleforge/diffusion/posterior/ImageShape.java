package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;

/**
 * The [C, H, W] layout of an image row (config key {@code operator.shape}): value (c, h, w) sits at
 * index (c H + h) W + w of the row, channel-major as PyTorch stores a [C, H, W] tensor.
 */
public record ImageShape(int channels, int height, int width) implements java.io.Serializable {
  public ImageShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw ConfigException.of("operator.shape", "must be [C, H, W] with every entry >= 1",
          "[" + channels + ", " + height + ", " + width + "]");
    }
    if ((long) channels * height * width > 1 << 24) {
      throw ConfigException.of("operator.shape", "must hold at most 2^24 values per row",
          "[" + channels + ", " + height + ", " + width + "]");
    }
  }

  /** C H W, the row's length. */
  public int size() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return "[" + channels + ", " + height + ", " + width + "]";
  }
}
