package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of an image operator of a {@link Corruption} (config keys {@code operator.shape}, and for
 * {@code blur} {@code operator.kernel}, {@code operator.size}, {@code operator.blur_sigma}, for {@code
 * downsample} {@code operator.factor}), validated on construction; {@link #operator} builds the {@link
 * BlurOperator} or {@link DownsampleOperator}.
 *
 * @param kind {@link CorruptionKind#BLUR} or {@link CorruptionKind#DOWNSAMPLE}
 * @param shape [C, H, W] of each row (C H W value columns, channel-major)
 * @param kernel blur taps (blur only)
 * @param size odd number of taps (blur only)
 * @param blurSigma the Gaussian taps' sigma in pixels (gaussian blur only)
 * @param factor the pooling factor (downsample only)
 */
public record ImageMap(CorruptionKind kind, ImageShape shape, BlurKernel kernel, int size, double blurSigma, int factor)
    implements Serializable {
  public ImageMap {
    if (kind != CorruptionKind.BLUR && kind != CorruptionKind.DOWNSAMPLE) {
      throw new IllegalArgumentException("an image map is a blur or a downsampling, not " + kind);
    }
    if (shape == null) {
      throw ConfigException.of("operator.shape", "is required for operator.type " + kind.id() + " ([C, H, W])", null);
    }
    if (kind == CorruptionKind.BLUR) {
      kernel = kernel == null ? BlurKernel.GAUSSIAN : kernel;
      kernel.taps(size, blurSigma); // validates size and sigma
    } else if (factor < 1 || shape.height() % factor != 0 || shape.width() % factor != 0) {
      throw ConfigException.of("operator.factor", "must be >= 1 and divide H and W of " + shape, factor);
    }
  }

  /** Parses {@code operator.shape} ([C, H, W]). */
  public static ImageShape shape(List<Integer> values) {
    if (values == null) {
      return null;
    }
    if (values.size() != 3 || values.contains(null)) {
      throw ConfigException.of("operator.shape", "must be [C, H, W]", values);
    }
    return new ImageShape(values.get(0), values.get(1), values.get(2));
  }

  /** The operator with measurement noise sigma_y. */
  public MeasurementOperator operator(double sigmaY) {
    return kind == CorruptionKind.BLUR ? new BlurOperator(shape, kernel.taps(size, blurSigma), sigmaY)
        : new DownsampleOperator(shape, factor, sigmaY);
  }

  /** The keys for provenance. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shape", List.of(shape.channels(), shape.height(), shape.width()));
    if (kind == CorruptionKind.BLUR) {
      m.put("kernel", kernel.id());
      m.put("size", size);
      if (kernel == BlurKernel.GAUSSIAN) {
        m.put("blur_sigma", blurSigma);
      }
    } else {
      m.put("factor", factor);
    }
    return m;
  }
}
