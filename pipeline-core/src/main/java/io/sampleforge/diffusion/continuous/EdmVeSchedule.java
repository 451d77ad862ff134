package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * The noise of a native VE / EDM model (Song et al. 2021, VE SDE; Karras et al. 2022, arXiv 2206.00364,
 * "EDM"), x = x0 + s eps with s in [sigma_min, sigma_max] (EDM: 0.002, 80, rho 7), run by the VP solvers
 * after rescaling: x_vp = x / sqrt(1 + s^2), so alpha = 1 / sqrt(1 + s^2), sigma_vp = s alpha and
 * lambda = -log s ({@link KarrasSigmas#ofSigma}). The solvers' continuous time is t = (s / sigma_max)^(1/rho)
 * in (0, 1] (s = sigma_max t^rho): t = 1 is sigma_max, the default end t_0 = (sigma_min / sigma_max)^(1/rho)
 * is sigma_min, so {@code time_uniform} spacing is the Karras rho ramp without its final 0 and {@code logSNR}
 * is uniform in log s. Model time convention: every level's {@link NoiseLevel#modelTime} is the VE sigma s
 * itself (EDM's {@code D(x; sigma)} input; EDM's {@code c_noise = ln(s) / 4} is computed inside its
 * preconditioned network, not here). Native models are presented to the solvers by {@link VeToVpDenoiser}.
 * {@link #karras} gives the Karras grid (k-diffusion's {@code get_sigmas_karras}: N sigmas and a final 0).
 * Cost O(1) per call, O(N) per grid.
 *
 * @param sigmaMin config key {@code sigma_min} (EDM 0.002), > 0
 * @param sigmaMax config key {@code sigma_max} (EDM 80), > sigma_min and <= 1e6 (beyond, sigma_vp rounds to 1)
 * @param rho config key {@code rho} (EDM 7), > 0: the Karras spacing exponent, also that of the time t
 */
public record EdmVeSchedule(double sigmaMin, double sigmaMax, double rho) implements NoiseSchedule {
  /** EDM's defaults (Karras et al. 2022, table 1). */
  public static final EdmVeSchedule EDM = new EdmVeSchedule(0.002, 80.0, 7.0);
  /** The largest sigma_max accepted. */
  public static final double MAX_SIGMA = 1e6;

  public EdmVeSchedule {
    ConfigNames.requireFinite("sigma_min", sigmaMin);
    ConfigNames.requireFinite("sigma_max", sigmaMax);
    ConfigNames.requireFinite("rho", rho);
    if (!(sigmaMin > 0)) {
      throw ConfigException.of("sigma_min", "must be > 0", sigmaMin);
    }
    if (!(sigmaMax > sigmaMin)) {
      throw ConfigException.of("sigma_max", "must be > sigma_min (" + sigmaMin + ")", sigmaMax);
    }
    if (!(sigmaMax <= MAX_SIGMA)) {
      throw ConfigException.of("sigma_max", "must be <= " + MAX_SIGMA + " (sigma_vp would round to 1)", sigmaMax);
    }
    if (!(rho > 0)) {
      throw ConfigException.of("rho", "must be > 0", rho);
    }
  }

  /** The VE sigma s(t) = sigma_max t^rho. */
  public double sigma(double t) {
    return sigmaMax * Math.pow(t, rho);
  }

  @Override
  public double logAlpha(double t) {
    double s = sigma(t);
    return -0.5 * Math.log1p(s * s);
  }

  @Override
  public double lambda(double t) {
    return -Math.log(sigma(t));
  }

  @Override
  public double modelTime(double t) {
    return sigma(t);
  }

  @Override
  public NoiseLevel level(double t) {
    double s = sigma(t);
    return KarrasSigmas.ofSigma(s, s);
  }

  @Override
  public double inverseLambda(double lambda) {
    return Math.pow(Math.exp(-lambda) / sigmaMax, 1 / rho);
  }

  @Override
  public double defaultEnd() {
    return Math.pow(sigmaMin / sigmaMax, 1 / rho);
  }

  /**
   * The Karras grid of N steps (eq. 5 with this rho): with {@link FinalSigma#ZERO}, N sigmas from sigma_max
   * to sigma_min and a final 0 (k-diffusion's {@code get_sigmas_karras}, EDM's t_N = 0); with {@link
   * FinalSigma#SIGMA_MIN}, N + 1 sigmas from sigma_max to sigma_min (the last step lands on sigma_min, as DEIS
   * needs). Model times are the sigmas.
   */
  public TimeGrid karras(int steps, FinalSigma last) {
    if (last == null) {
      throw ConfigException.of("final_sigmas_type", "is required (zero or sigma_min)", null);
    }
    boolean zero = last == FinalSigma.ZERO;
    double[] s = KarrasSigmas.sigmas(sigmaMin, sigmaMax, zero ? steps : steps + 1, rho);
    NoiseLevel[] levels = new NoiseLevel[steps + 1];
    for (int i = 0; i < s.length; i++) {
      levels[i] = KarrasSigmas.ofSigma(s[i], s[i]);
    }
    if (zero) {
      levels[steps] = NoiseLevel.clean();
    }
    return new TimeGrid(levels);
  }
}
