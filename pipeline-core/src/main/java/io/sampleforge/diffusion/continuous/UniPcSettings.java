package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.List;

/**
 * Settings of multistep UniPC (Zhao et al. 2023, arXiv 2302.04867), with data prediction ({@code predict_x0 =
 * true}, the default) or noise prediction ({@code predict_x0 = false}), named as diffusers'
 * {@code UniPCMultistepScheduler} config.
 *
 * @param order {@code solver_order}: the order p of the predictor UniP, 1, 2 (diffusers' default) or 3;
 *     the corrector UniC-p after it raises the accuracy to p + 1
 * @param variant {@code solver_type}: the B(h) choice, {@link Variant#BH1} or {@link Variant#BH2} (default)
 * @param lowerOrderFinal {@code lower_order_final} (default true): step i (0-based) of N uses at most
 *     order N - i, whatever N (no 15-step threshold, unlike DPM-Solver++)
 * @param disableCorrector {@code disable_corrector} (default empty): the predictor steps (0-based)
 *     whose result is not corrected; entries at or beyond N - 1 have no effect (the last step is never
 *     corrected)
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off)
 * @param compensation {@code dc_order}, {@code dc_ratios}: DC-Solver's dynamic compensation ({@link
 *     DynamicCompensation}; default off)
 * @param predictX0 {@code predict_x0} (default true): integrate the data prediction x0 (UniPC's recommended
 *     form) or, when false, the noise prediction eps (diffusers' noise branches of
 *     {@code multistep_uni_p_bh_update} / {@code multistep_uni_c_bh_update}). The noise form refuses
 *     thresholding (diffusers ignores it there: {@code convert_model_output} thresholds x0 only) and DC-Solver's
 *     compensation (its ratios are fitted on the data-prediction form)
 */
public record UniPcSettings(int order, Variant variant, boolean lowerOrderFinal, List<Integer> disableCorrector,
    DynamicThresholding thresholding, DynamicCompensation compensation, boolean predictX0)
    implements java.io.Serializable {
  /** diffusers' defaults: order 2, bh2, lower_order_final, no disabled corrector. */
  public static final UniPcSettings DIFFUSERS = new UniPcSettings(2, Variant.BH2, true, List.of());

  public UniPcSettings {
    if (order < 1 || order > 3) {
      throw ConfigException.of("solver_order", "must be 1, 2 or 3", order);
    }
    if (variant == null) {
      throw ConfigException.of("solver_type", "is required (bh1 or bh2)", null);
    }
    if (disableCorrector == null) {
      throw ConfigException.of("disable_corrector", "is required (may be empty)", null);
    }
    for (Integer step : disableCorrector) {
      if (step == null || step < 0) {
        throw ConfigException.of("disable_corrector", "must list step indices >= 0", disableCorrector);
      }
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
    compensation = compensation == null ? DynamicCompensation.OFF : compensation;
    if (!predictX0 && thresholding.enabled()) {
      throw ConfigException.of("thresholding", "must be false with predict_x0 false (UniPC thresholds the data "
          + "prediction; diffusers' noise-prediction UniPC silently ignores thresholding)", true);
    }
    if (!predictX0 && compensation.enabled()) {
      throw ConfigException.of("dc_ratios", "apply only with predict_x0 true (DC-Solver's compensation and its "
          + "fitted ratios are defined on the data-prediction UniPC)", compensation.ratios());
    }
    disableCorrector = List.copyOf(disableCorrector);
  }

  /** The given settings with data prediction ({@code predict_x0 = true}). */
  public UniPcSettings(int order, Variant variant, boolean lowerOrderFinal, List<Integer> disableCorrector,
      DynamicThresholding thresholding, DynamicCompensation compensation) {
    this(order, variant, lowerOrderFinal, disableCorrector, thresholding, compensation, true);
  }

  /** These settings with {@code predict_x0} set (false: the noise-prediction UniPC). */
  public UniPcSettings withPredictX0(boolean x0) {
    return new UniPcSettings(order, variant, lowerOrderFinal, disableCorrector, thresholding, compensation, x0);
  }

  /** The prediction the updates integrate: x0 ({@code predict_x0}) or eps, as DPM-Solver's algorithms. */
  DpmAlgorithm algorithm() {
    return predictX0 ? DpmAlgorithm.DATA_PREDICTION : DpmAlgorithm.NOISE_PREDICTION;
  }

  /** The given settings without DC-Solver's compensation. */
  public UniPcSettings(int order, Variant variant, boolean lowerOrderFinal, List<Integer> disableCorrector,
      DynamicThresholding thresholding) {
    this(order, variant, lowerOrderFinal, disableCorrector, thresholding, DynamicCompensation.OFF);
  }

  /** These settings with DC-Solver's dynamic compensation ({@link DynamicCompensation}). */
  public UniPcSettings withCompensation(DynamicCompensation c) {
    return new UniPcSettings(order, variant, lowerOrderFinal, disableCorrector, thresholding, c, predictX0);
  }

  /** The given settings without thresholding. */
  public UniPcSettings(int order, Variant variant, boolean lowerOrderFinal, List<Integer> disableCorrector) {
    this(order, variant, lowerOrderFinal, disableCorrector, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public UniPcSettings withThresholding(DynamicThresholding t) {
    return new UniPcSettings(order, variant, lowerOrderFinal, disableCorrector, t, compensation, predictX0);
  }

  /** The given order and variant with lower_order_final and the corrector on at every step. */
  public static UniPcSettings of(int order, Variant variant) {
    return new UniPcSettings(order, variant, true, List.of());
  }

  /** Whether the result of predictor step {@code step} (0-based) is corrected (when a model call follows it). */
  public boolean corrects(int step) {
    return !disableCorrector.contains(step);
  }

  /** The B(h) of UniPC (config key {@code solver_type}). */
  public enum Variant {
    /** B(h) = h (in the data-prediction sign convention, B(h) = -h); recommended for few unconditional steps. */
    BH1("bh1"),
    /** B(h) = e^h - 1 (data prediction: e^{-h} - 1); diffusers' default. */
    BH2("bh2");

    private final String id;

    Variant(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Variant parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Variant::id);
    }
  }
}
