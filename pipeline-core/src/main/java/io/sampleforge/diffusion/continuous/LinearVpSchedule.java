package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * The continuous linear VP schedule of score SDE (Song et al. 2021) as in dpm-solver's {@code
 * NoiseScheduleVP('linear')}: beta(t) = beta0 + t (beta1 - beta0), log alpha_t = -(beta1 - beta0) t^2 / 4
 * - beta0 t / 2, with the closed-form inverse of lambda. The model is fed t itself; the default end
 * time is 1e-3 (total_N = 1000). Cost O(1) per call.
 *
 * @param beta0 config key {@code beta_min} (default 0.1), > 0
 * @param beta1 config key {@code beta_max} (default 20), > beta0
 */
public record LinearVpSchedule(double beta0, double beta1) implements NoiseSchedule {
  /** dpm-solver's and score SDE's defaults. */
  public static final LinearVpSchedule DEFAULT = new LinearVpSchedule(0.1, 20.0);

  public LinearVpSchedule {
    ConfigNames.requireFinite("beta_min", beta0);
    ConfigNames.requireFinite("beta_max", beta1);
    if (!(beta0 > 0)) {
      throw ConfigException.of("beta_min", "must be > 0", beta0);
    }
    if (!(beta1 > beta0)) {
      throw ConfigException.of("beta_max", "must be > beta_min (" + beta0 + ")", beta1);
    }
  }

  @Override
  public double logAlpha(double t) {
    return -0.25 * t * t * (beta1 - beta0) - 0.5 * t * beta0;
  }

  @Override
  public double modelTime(double t) {
    return t;
  }

  @Override
  public double inverseLambda(double lambda) {
    double tmp = 2.0 * (beta1 - beta0) * NoiseSchedule.softplus(-2.0 * lambda);
    double delta = beta0 * beta0 + tmp;
    return tmp / (Math.sqrt(delta) + beta0) / (beta1 - beta0);
  }

  @Override
  public double defaultEnd() {
    return 1e-3;
  }
}
