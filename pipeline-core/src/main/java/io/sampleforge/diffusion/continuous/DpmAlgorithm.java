package io.sampleforge.diffusion.continuous;

/**
 * Which prediction DPM-Solver's exponential integrator integrates: diffusers' and dpm-solver's
 * {@code algorithm_type}. {@link #DATA_PREDICTION} is DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095;
 * {@code dpmsolver++}), integrating D = x0; {@link #NOISE_PREDICTION} is the original DPM-Solver (Lu et al.
 * 2022, arXiv 2206.00927; {@code dpmsolver}, dpm-solver's {@code predict_x0=False}), integrating eps. Every
 * update of both is the same table of terms: x_t = ratio x - A_t phi1 m0 + (order terms), with
 * <ul>
 *   <li>DPM-Solver++: ratio = sigma_t / sigma_s, A_t = alpha_t, phi1 = expm1(-h), sign + 1;</li>
 *   <li>DPM-Solver: ratio = alpha_t / alpha_s, A_t = sigma_t, phi1 = expm1(h), sign - 1;</li>
 * </ul>
 * and h = lambda_t - lambda_s; the higher-order coefficients phi2 = phi1 / h + sign, phi3 = phi2 / h - 1/2
 * and the second-order (heun / taylor) and third-order terms carry the sign ({@link DpmSolverPlusPlus},
 * {@link DpmSolverSinglestep}). {@link SdeDpmSolverPlusPlus} ({@code sde-dpmsolver}) and {@link UniPc}
 * ({@code predict_x0 = false}) take their model conversion, ratio and scale from it too. The noise form is undefined at sigma_t = 0 (A_t phi1 = 0 x infinity), so a
 * grid that ends clean is refused, as diffusers refuses {@code final_sigmas_type="zero"} for
 * {@code dpmsolver}. Thresholding ({@link DynamicThresholding}) acts on the data prediction; for the noise
 * form eps is then recomputed from it, eps = (x - alpha x0) / sigma, as diffusers' {@code convert_model_output}.
 * Cost: O(1) per coefficient, O(rows D) per conversion.
 */
public enum DpmAlgorithm {
  DATA_PREDICTION("dpmsolver++", 1.0),
  NOISE_PREDICTION("dpmsolver", -1.0);

  private final String id;
  private final double sign;

  DpmAlgorithm(String id, double sign) {
    this.id = id;
    this.sign = sign;
  }

  /** diffusers' {@code algorithm_type} name. */
  public String id() {
    return id;
  }

  /** The algorithm of that {@code algorithm_type} name ({@code dpmsolver++} or {@code dpmsolver}). */
  public static DpmAlgorithm parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), DpmAlgorithm::id);
  }

  /** +1 for DPM-Solver++, -1 for DPM-Solver: the sign of the heun / taylor and phi2 terms. */
  double sign() {
    return sign;
  }

  /** The coefficient of x: sigma_t / sigma_s (data) or alpha_t / alpha_s (noise). */
  double ratio(NoiseLevel s, NoiseLevel t) {
    return this == DATA_PREDICTION ? t.sigma() / s.sigma() : t.alpha() / s.alpha();
  }

  /** A_t: alpha_t (data) or sigma_t (noise). */
  double scale(NoiseLevel t) {
    return this == DATA_PREDICTION ? t.alpha() : t.sigma();
  }

  /** phi1 = expm1(-h) (data) or expm1(h) (noise). */
  double phi1(double h) {
    return this == DATA_PREDICTION ? Math.expm1(-h) : Math.expm1(h);
  }

  /**
   * One model call at one level for every row, as the prediction this algorithm integrates (x0 or eps),
   * thresholded as diffusers' {@code convert_model_output} does. {@code scratch} is overwritten.
   */
  void predict(Denoiser model, double[] x, int rows, NoiseLevel level, int step, DynamicThresholding thresholding,
      double[] out, double[] scratch) {
    int d = model.dimension();
    if (this == DATA_PREDICTION) {
      ModelEvaluation.call(model, x, rows, level, step, out, null);
      thresholding.apply(out, d);
      return;
    }
    ModelEvaluation.call(model, x, rows, level, step, scratch, out);
    if (thresholding.enabled()) {
      thresholding.apply(scratch, d);
      for (int j = 0; j < x.length; j++) {
        out[j] = (x[j] - level.alpha() * scratch[j]) / level.sigma();
      }
    }
  }
}
