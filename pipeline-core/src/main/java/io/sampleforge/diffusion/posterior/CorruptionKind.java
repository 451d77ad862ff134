package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** The measurement a {@link Corruption} makes (config key {@code operator.type}). */
public enum CorruptionKind {
  /** y = x + sigma_y z: every cell observed with Gaussian noise ({@link IdentityOperator}). */
  NOISE("noise"),
  /** Cells missing completely at random with a rate, the rest observed (+ sigma_y z): imputation ({@link MaskOperator}). */
  MASK("mask"),
  /** y = A x + sigma_y z with a fixed m x D matrix A ({@link DenseLinearOperator}). */
  LINEAR("linear"),
  /** y = K * x + sigma_y z: a box or Gaussian blur of [C, H, W] rows ({@link BlurOperator}). */
  BLUR("blur"),
  /** y = P x + sigma_y z: f x f average pooling of [C, H, W] rows ({@link DownsampleOperator}). */
  DOWNSAMPLE("downsample");

  private final String id;

  CorruptionKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Parses a config value, naming {@code key} when it is not one of the kinds. */
  public static CorruptionKind parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (CorruptionKind k : values()) {
      if (k.id.equals(v)) {
        return k;
      }
    }
    throw ConfigException.of(key, "must be one of [noise, mask, linear, blur, downsample]", value);
  }
}
