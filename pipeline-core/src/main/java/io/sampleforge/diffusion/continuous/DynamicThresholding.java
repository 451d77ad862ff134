package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * Dynamic thresholding of the data prediction (Saharia et al. 2022, "Photorealistic Text-to-Image
 * Diffusion Models with Deep Language Understanding" (Imagen), section 2.3), as diffusers'
 * {@code _threshold_sample}: per row, s = the {@code dynamic_thresholding_ratio} quantile of |x0| over
 * the row's D coordinates (linear interpolation between order statistics, as {@code torch.quantile}),
 * clamped to [1, {@code sample_max_value}]; then x0 = clamp(x0, -s, s) / s. With the default
 * sample_max_value = 1 this is plain clipping to [-1, 1]. It is meant for pixel-space data in [-1, 1];
 * diffusers calls it unsuitable for latent models, and it is wrong for unbounded tabular data. The
 * solvers apply it where diffusers' schedulers do (see each solver). LuChengTHU/dpm-solver's
 * {@code dynamic_thresholding_fn} differs: s = max(quantile, thresholding_max_val), with no upper clamp.
 * Cost: O(D log D) per row and model call (a sort of |x0|).
 *
 * @param enabled config key {@code thresholding} (default false)
 * @param ratio {@code dynamic_thresholding_ratio}, in [0, 1] (default 0.995)
 * @param sampleMaxValue {@code sample_max_value}, finite and >= 1 (default 1.0)
 */
public record DynamicThresholding(boolean enabled, double ratio, double sampleMaxValue)
    implements java.io.Serializable {
  /** diffusers' defaults: off, ratio 0.995, sample_max_value 1. */
  public static final DynamicThresholding OFF = new DynamicThresholding(false, 0.995, 1.0);

  public DynamicThresholding {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw ConfigException.of("dynamic_thresholding_ratio", "must be in [0, 1] (a quantile)", ratio);
    }
    if (!(sampleMaxValue >= 1) || Double.isInfinite(sampleMaxValue)) {
      throw ConfigException.of("sample_max_value", "must be finite and >= 1 (s is clamped to [1, sample_max_value])",
          sampleMaxValue);
    }
  }

  /** Thresholding on, with the given ratio and sample_max_value. */
  public static DynamicThresholding on(double ratio, double sampleMaxValue) {
    return new DynamicThresholding(true, ratio, sampleMaxValue);
  }

  /** Thresholds each row of x0 ([rows, d], row-major) in place when enabled; a no-op otherwise. */
  public void apply(double[] x0, int d) {
    if (!enabled) {
      return;
    }
    double[] sorted = new double[d];
    for (int off = 0; off < x0.length; off += d) {
      for (int j = 0; j < d; j++) {
        sorted[j] = Math.abs(x0[off + j]);
      }
      double s = Math.min(Math.max(quantile(sorted, ratio), 1.0), sampleMaxValue);
      for (int j = 0; j < d; j++) {
        x0[off + j] = Math.max(-s, Math.min(s, x0[off + j])) / s;
      }
    }
  }

  /** torch.quantile(v, q) with linear interpolation: v_(lo) + (q (n - 1) - lo)(v_(lo+1) - v_(lo)); sorts v. */
  static double quantile(double[] v, double q) {
    Arrays.sort(v);
    double rank = q * (v.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, v.length - 1);
    return v[lo] + (rank - lo) * (v[hi] - v[lo]);
  }
}
