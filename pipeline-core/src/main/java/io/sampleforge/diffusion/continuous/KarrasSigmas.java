package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Karras et al. 2022 (arXiv 2206.00364, eq. 5) rho spacing of N noise levels in the VE sigma =
 * sqrt((1 - alpha_bar) / alpha_bar) of a discrete VP schedule, as diffusers' {@code use_karras_sigmas}
 * ({@code _convert_to_karras}, from k-diffusion): sigma_i = (sigma_max^(1/rho) + i / (N - 1)
 * (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, i = 0 .. N - 1, rho = 7, with sigma_min = sigma of
 * training timestep 0 and sigma_max = sigma of timestep T - 1 (what {@code DPMSolverMultistepScheduler}
 * always uses, and Euler / Heun with their default {@code linspace} spacing), then a final sigma 0
 * ({@link FinalSigma#ZERO}; {@code sigma_min} is refused: diffusers would repeat sigma_min, a
 * zero-length step that costs a model call). A VE level sigma is the VP level alpha = 1 / sqrt(sigma^2 + 1),
 * sigma_vp = sigma alpha. The model time is diffusers' {@code _sigma_to_t}: the fractional training
 * timestep interpolated linearly in log sigma, rounded to an integer by
 * {@code DPMSolverMultistepScheduler} except for {@code squaredcos_cap_v2}. Cost O(N log T).
 */
public final class KarrasSigmas {
  /** rho = 7, the paper's value and diffusers' (fixed there). */
  public static final double RHO = 7.0;

  private KarrasSigmas() {}

  /** The N Karras sigmas from sigmaMax down to sigmaMin. */
  public static double[] sigmas(double sigmaMin, double sigmaMax, int n, double rho) {
    if (n < 1) {
      throw ConfigException.of("steps", "must be >= 1", n);
    }
    if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Double.isFinite(sigmaMax))) {
      throw ConfigException.of("sigma_min", "must satisfy 0 < sigma_min < sigma_max (" + sigmaMax + ")", sigmaMin);
    }
    if (!(rho > 0 && Double.isFinite(rho))) {
      throw ConfigException.of("rho", "must be finite and > 0", rho);
    }
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    double step = n > 1 ? 1.0 / (n - 1) : 0.0;
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double ramp = (n > 1 && i == n - 1) ? 1.0 : i * step; // numpy linspace(0, 1, n)
      s[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
    }
    return s;
  }

  /** The VE sigma sqrt((1 - alpha_bar_n) / alpha_bar_n) of training timestep n. */
  public static double trainingSigma(DiscreteVpSchedule schedule, int n) {
    double ab = schedule.alphaBar(n);
    return Math.sqrt((1 - ab) / ab);
  }

  /** {@code DPMSolverMultistepScheduler(use_karras_sigmas=True)}: rounded model times (fractional for cosine). */
  public static TimeGrid dpmSolverMultistep(DiscreteVpSchedule schedule, int steps, FinalSigma last) {
    return grid(schedule, steps, last, schedule.schedule() != BetaSchedule.SQUAREDCOS_CAP_V2);
  }

  /**
   * {@code EulerDiscreteScheduler} / {@code HeunDiscreteScheduler(use_karras_sigmas=True)} with the
   * default {@code linspace} spacing: fractional model times. (Heun always ends at 0.)
   */
  public static TimeGrid eulerDiscrete(DiscreteVpSchedule schedule, int steps, FinalSigma last) {
    return grid(schedule, steps, last, false);
  }

  private static TimeGrid grid(DiscreteVpSchedule schedule, int steps, FinalSigma last, boolean round) {
    if (last == null) {
      throw ConfigException.of("final_sigmas_type", "is required (zero or sigma_min)", null);
    }
    if (last == FinalSigma.SIGMA_MIN) {
      // diffusers appends sigma_min after a Karras ramp that already ends there: a zero-length last step
      throw ConfigException.of("final_sigmas_type", "must be zero with Karras sigmas (sigma_min would repeat the last "
          + "Karras sigma, a zero-length step)", last.id());
    }
    int t = schedule.trainSteps();
    double[] logSigmas = new double[t];
    for (int n = 0; n < t; n++) {
      logSigmas[n] = Math.log(trainingSigma(schedule, n));
    }
    double[] s = sigmas(trainingSigma(schedule, 0), trainingSigma(schedule, t - 1), steps, RHO);
    NoiseLevel[] levels = new NoiseLevel[steps + 1];
    for (int i = 0; i < steps; i++) {
      double time = sigmaToT(s[i], logSigmas);
      levels[i] = ofSigma(round ? Math.rint(time) : time, s[i]);
    }
    levels[steps] = NoiseLevel.clean();
    return new TimeGrid(levels);
  }

  /** The VP level of VE noise sigma >= 0: alpha = 1 / sqrt(sigma^2 + 1), sigma_vp = sigma alpha. */
  public static NoiseLevel ofSigma(double modelTime, double sigma) {
    double alpha = 1.0 / Math.sqrt(sigma * sigma + 1.0);
    return new NoiseLevel(modelTime, alpha, sigma * alpha);
  }

  /** diffusers' {@code _sigma_to_t}: the fractional timestep of sigma, linear in log sigma, clamped to [0, T - 1]. */
  static double sigmaToT(double sigma, double[] logSigmas) {
    double ls = Math.log(Math.max(sigma, 1e-10));
    int t = logSigmas.length;
    int low = 0;
    for (int i = 0; i < t; i++) { // the last index with log_sigmas[i] <= log sigma (0 if none)
      if (ls - logSigmas[i] >= 0) {
        low = i;
      }
    }
    low = Math.min(low, t - 2);
    double lo = logSigmas[low];
    double hi = logSigmas[low + 1];
    double w = Math.max(0, Math.min(1, (lo - ls) / (lo - hi)));
    return (1 - w) * low + w * (low + 1);
  }
}
