package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * DDIM's step settings, named as diffusers' {@code DDIMScheduler.step} / config.
 *
 * @param eta config key {@code eta}, >= 0: 0 is the deterministic DDIM ODE step, 1 the DDPM posterior
 *     variance (Song et al. 2021, eq. 16); diffusers' default 0
 * @param clipSample {@code clip_sample}: clamp the predicted x0 to +-clipSampleRange (diffusers' default
 *     true, meant for images in [-1, 1]; wrong for unbounded tabular data)
 * @param clipSampleRange {@code clip_sample_range}, > 0 (default 1)
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off); when on it
 *     takes precedence over {@code clip_sample}, as in diffusers
 */
public record DdimSettings(double eta, boolean clipSample, double clipSampleRange, DynamicThresholding thresholding)
    implements java.io.Serializable {
  /** diffusers' defaults: eta 0, clip_sample true, range 1. */
  public static final DdimSettings DIFFUSERS = new DdimSettings(0.0, true, 1.0);

  public DdimSettings {
    ConfigNames.requireFinite("eta", eta);
    if (!(eta >= 0)) {
      throw ConfigException.of("eta", "must be >= 0", eta);
    }
    if (!(clipSampleRange > 0) || Double.isInfinite(clipSampleRange)) {
      throw ConfigException.of("clip_sample_range", "must be finite and > 0", clipSampleRange);
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
  }

  /** The given eta and clipping, without thresholding. */
  public DdimSettings(double eta, boolean clipSample, double clipSampleRange) {
    this(eta, clipSample, clipSampleRange, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public DdimSettings withThresholding(DynamicThresholding t) {
    return new DdimSettings(eta, clipSample, clipSampleRange, t);
  }

  /** No clipping, the given eta. */
  public static DdimSettings unclipped(double eta) {
    return new DdimSettings(eta, false, 1.0);
  }
}
