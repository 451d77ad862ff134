package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * One point of a VP noise schedule: x_t = alpha x0 + sigma eps with alpha^2 + sigma^2 = 1 (up to
 * rounding), and the time the model is fed at that point ({@code modelTime}: diffusers' integer
 * timestep, or dpm-solver's continuous t mapped by its {@code model_wrapper}). A final level may have
 * sigma = 0 (diffusers' {@code final_sigmas_type = zero}); the model is never called there.
 *
 * @param modelTime the time input the denoiser sees (NaN where the model is never called)
 * @param alpha the signal scale, in (0, 1], or 0 with sigma 1 (pure noise: the last timestep of a schedule
 *     with {@code rescale_betas_zero_snr}, which only DDIM visits; lambda is then -infinity)
 * @param sigma the noise scale, in [0, 1), or 1 with alpha 0
 */
public record NoiseLevel(double modelTime, double alpha, double sigma) {
  public NoiseLevel {
    boolean pureNoise = alpha == 0 && sigma == 1; // the last level of a zero-terminal-SNR schedule (DDIM only)
    if (!pureNoise && !(alpha > 0 && alpha <= 1.0 + 1e-12)) {
      throw ConfigException.of("noise level alpha", "must be in (0, 1] (0 only with sigma 1)", alpha);
    }
    if (!pureNoise && !(sigma >= 0 && sigma < 1)) {
      throw ConfigException.of("noise level sigma", "must be in [0, 1) (1 only with alpha 0)", sigma);
    }
  }

  /** The level of a VP process with log alpha = {@code logAlpha} (< 0), sigma = sqrt(1 - alpha^2) in float64. */
  public static NoiseLevel ofLogAlpha(double modelTime, double logAlpha) {
    return new NoiseLevel(modelTime, Math.exp(logAlpha), Math.sqrt(-Math.expm1(2 * logAlpha)));
  }

  /** The clean end point: alpha = 1, sigma = 0 (lambda = +infinity). */
  public static NoiseLevel clean() {
    return new NoiseLevel(Double.NaN, 1.0, 0.0);
  }

  /** The half log-SNR lambda = log(alpha) - log(sigma); +infinity at sigma = 0. */
  public double lambda() {
    return Math.log(alpha) - Math.log(sigma);
  }
}
