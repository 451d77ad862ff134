package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * The stochasticity ("churn") of the EDM samplers (Karras et al. 2022, arXiv 2206.00364, algorithm 2;
 * diffusers' {@code EulerDiscreteScheduler.step(s_churn, s_tmin, s_tmax, s_noise)}, same names and defaults).
 * At a step from VE sigma over N steps, gamma = min(s_churn / N, sqrt(2) - 1) when s_tmin <= sigma <= s_tmax,
 * else 0; sigma_hat = sigma (1 + gamma) and, when gamma > 0, fresh noise s_noise z sqrt(sigma_hat^2 - sigma^2)
 * is added before the step ({@link EdmSolver}). N is the number of steps (diffusers' {@code len(sigmas) - 1},
 * the paper's N). {@link #OFF} (s_churn = 0) is the deterministic ODE solver. Cost O(1) per step.
 *
 * @param sChurn {@code s_churn}, finite, >= 0 (0: deterministic)
 * @param sTmin {@code s_tmin}, finite, >= 0: the smallest VE sigma that is churned
 * @param sTmax {@code s_tmax}, >= s_tmin, may be +infinity: the largest VE sigma that is churned
 * @param sNoise {@code s_noise}, finite, >= 0: the scale of the added noise (EDM's S_noise, 1 = exact)
 */
public record EdmChurn(double sChurn, double sTmin, double sTmax, double sNoise) implements Serializable {
  /** No churn: diffusers' defaults (s_churn 0, s_tmin 0, s_tmax inf, s_noise 1). */
  public static final EdmChurn OFF = new EdmChurn(0.0, 0.0, Double.POSITIVE_INFINITY, 1.0);
  /** The cap on gamma, sqrt(2) - 1 (at most doubling the variance of the noise at a step). */
  public static final double MAX_GAMMA = Math.sqrt(2.0) - 1.0;

  public EdmChurn {
    ConfigNames.requireFinite("s_churn", sChurn);
    ConfigNames.requireFinite("s_tmin", sTmin);
    ConfigNames.requireFinite("s_noise", sNoise);
    if (!(sChurn >= 0)) {
      throw ConfigException.of("s_churn", "must be >= 0 (0: no churn)", sChurn);
    }
    if (!(sTmin >= 0)) {
      throw ConfigException.of("s_tmin", "must be >= 0 (a VE sigma)", sTmin);
    }
    if (Double.isNaN(sTmax) || !(sTmax >= 0)) {
      throw ConfigException.of("s_tmax", "must be >= 0 or inf (a VE sigma)", sTmax);
    }
    if (!(sTmin <= sTmax)) {
      throw ConfigException.of("s_tmin", "must be <= s_tmax (" + sTmax + ")", sTmin);
    }
    if (!(sNoise >= 0)) {
      throw ConfigException.of("s_noise", "must be >= 0", sNoise);
    }
  }

  /** Whether any step can be churned (s_churn > 0). */
  public boolean enabled() {
    return sChurn > 0;
  }

  /** gamma of a step from VE sigma over {@code steps} steps (0 outside [s_tmin, s_tmax] or without churn). */
  public double gamma(double sigma, int steps) {
    return sChurn > 0 && sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / steps, MAX_GAMMA) : 0.0;
  }
}
