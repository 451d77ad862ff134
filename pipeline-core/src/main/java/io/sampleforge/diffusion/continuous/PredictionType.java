package io.sampleforge.diffusion.continuous;

/**
 * What a denoiser predicts (config key {@code prediction_type}, names as diffusers'): the noise
 * {@link #EPSILON} ({@code epsilon}), the clean data {@link #SAMPLE} ({@code sample}, x0), or the
 * velocity {@link #V} ({@code v_prediction}, v = alpha eps - sigma x0; Salimans and Ho 2022, appendix
 * D). Conversions follow diffusers' {@code convert_model_output} and dpm-solver's {@code model_wrapper};
 * each is O(1) per coordinate.
 */
public enum PredictionType {
  EPSILON("epsilon"),
  SAMPLE("sample"),
  V("v_prediction");

  private final String id;

  PredictionType(String id) {
    this.id = id;
  }

  /** The config name. */
  public String id() {
    return id;
  }

  /** The type named {@code value} under config key {@code key}. */
  public static PredictionType parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), PredictionType::id);
  }

  /** x0 from the prediction p of a row x at level (alpha, sigma). */
  public double toData(double p, double x, double alpha, double sigma) {
    return switch (this) {
      case EPSILON -> (x - sigma * p) / alpha;
      case SAMPLE -> p;
      case V -> alpha * x - sigma * p;
    };
  }

  /** eps from the prediction p of a row x at level (alpha, sigma) (SAMPLE needs sigma > 0). */
  public double toNoise(double p, double x, double alpha, double sigma) {
    return switch (this) {
      case EPSILON -> p;
      case SAMPLE -> (x - alpha * p) / sigma;
      case V -> alpha * p + sigma * x;
    };
  }

  /** This type's prediction given x0 of a row x at level (alpha, sigma) (EPSILON and V need sigma > 0). */
  public double fromData(double x0, double x, double alpha, double sigma) {
    return switch (this) {
      case EPSILON -> (x - alpha * x0) / sigma;
      case SAMPLE -> x0;
      case V -> alpha * (x - alpha * x0) / sigma - sigma * x0;
    };
  }
}
