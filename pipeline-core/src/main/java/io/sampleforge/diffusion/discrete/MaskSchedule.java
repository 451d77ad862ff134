package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Masking schedules alpha(t) = P(a token is unmasked at time t), t in [0, 1], decreasing from
 * alpha(0) = 1, with the inverse the first-hitting sampler needs. Named after kuleshov-group/mdlm
 * {@code noise_schedule.py}, where alpha(t) = exp(-sigma(t)) for the "total noise" sigma:
 * <ul>
 *   <li>{@link #LOG_LINEAR} ({@code loglinear}, MDLM's default): sigma = -log(1 - t), so alpha =
 *       1 - t, the mask probability is t. MDLM trains with sigma = -log(1 - (1 - 1e-3) t) but its
 *       sampler ({@code _ddpm_caching_update}) uses mask probability t exactly; so does this one.</li>
 *   <li>{@link #LINEAR} ({@code linear}): sigma linear in t, sigma = sigma_min + t (sigma_max -
 *       sigma_min) with MDLM's defaults 0 and 10, so alpha = exp(-10 t) (not "alpha linear": that is
 *       log-linear). alpha(1) = 4.5e-5, not 0.</li>
 *   <li>{@link #COSINE} ({@code cosine}): sigma = -log(eps + (1 - eps) cos(pi t / 2)), eps = 1e-3, so
 *       alpha = 1e-3 + 0.999 cos(pi t / 2); alpha(1) = 1e-3.</li>
 * </ul>
 * Sampling always starts from the fully masked sequence at t = 1, as MDLM does. Cost: O(1).
 */
public enum MaskSchedule {
  LOG_LINEAR("log-linear") {
    @Override
    public double alpha(double t) {
      return 1 - clamp(t);
    }

    @Override
    public double time(double alpha) {
      return clamp(1 - alpha);
    }
  },
  LINEAR("linear") {
    @Override
    public double alpha(double t) {
      return Math.exp(-LINEAR_SIGMA_MAX * clamp(t));
    }

    @Override
    public double time(double alpha) {
      return alpha <= 0 ? 1 : clamp(-Math.log(alpha) / LINEAR_SIGMA_MAX);
    }
  },
  COSINE("cosine") {
    @Override
    public double alpha(double t) {
      return COSINE_EPS + (1 - COSINE_EPS) * Math.cos(Math.PI / 2 * clamp(t));
    }

    @Override
    public double time(double alpha) {
      double c = (alpha - COSINE_EPS) / (1 - COSINE_EPS);
      return clamp(2 / Math.PI * Math.acos(Math.max(-1, Math.min(1, c))));
    }
  };

  /** MDLM's {@code Linear} sigma_max (sigma_min = 0). */
  public static final double LINEAR_SIGMA_MAX = 10;
  /** MDLM's {@code CosineNoise} eps. */
  public static final double COSINE_EPS = 1e-3;

  private final String id;

  MaskSchedule(String id) {
    this.id = id;
  }

  /** The config name: log-linear, linear or cosine. */
  public String id() {
    return id;
  }

  /** alpha(t), the probability that a token is unmasked at time t (t clamped to [0, 1]). */
  public abstract double alpha(double t);

  /** The inverse alpha^-1: the time t in [0, 1] with alpha(t) = alpha (clamped to alpha's range). */
  public abstract double time(double alpha);

  /** The schedule named {@code value} under config key {@code key}; a ConfigException lists the choices. */
  public static MaskSchedule parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (MaskSchedule s : values()) {
      if (s.id.equals(v)) {
        return s;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(MaskSchedule::id).toList(), value);
  }

  private static double clamp(double t) {
    return Math.max(0, Math.min(1, t));
  }
}
