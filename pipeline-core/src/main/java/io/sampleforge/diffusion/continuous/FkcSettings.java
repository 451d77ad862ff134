package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Settings of Feynman-Kac corrector SMC ({@link FkcSampler}; Skreta et al., ICML 2025, arXiv
 * 2503.02819), validated once.
 *
 * @param particles {@code smc.particles}: K particles per group (request), >= 1 (K = 1 is the plain,
 *     uncorrected sampler of the combined score: no weights can act)
 * @param essThreshold {@code smc.ess_threshold}, in [0, 1]: after a step, a group is resampled when
 *     ESS < threshold * K; 1.0 resamples after every step but the last (the reference code's rule),
 *     0.0 never (plain importance sampling)
 * @param finalResample {@code smc.final_resample}: after the last step, resample once more so that
 *     the K output particles carry equal weights 1 / K (default false: the output carries its
 *     normalised weights, and the last step is never followed by resampling, as in the reference)
 * @param motion {@code solver_order} / {@code solver_type} of the SDE-DPM-Solver++ step that moves the
 *     particles (default {@link SdeDpmSolverSettings#DIFFUSERS}: 2M midpoint)
 */
public record FkcSettings(int particles, double essThreshold, boolean finalResample, SdeDpmSolverSettings motion)
    implements Serializable {
  /** The largest particle count per group (a group's K rows are one batch slice). */
  public static final int MAX_PARTICLES = 1 << 20;

  public FkcSettings {
    if (particles < 1 || particles > MAX_PARTICLES) {
      throw ConfigException.of("smc.particles", "must be in [1, " + MAX_PARTICLES + "]", particles);
    }
    if (!(essThreshold >= 0 && essThreshold <= 1)) {
      throw ConfigException.of("smc.ess_threshold", "must be in [0, 1]", essThreshold);
    }
    if (motion == null) {
      throw ConfigException.of("solver_order", "SDE settings are required for the particle motion", null);
    }
    if (motion.order() > 2) {
      throw ConfigException.of("solver_order", "must be 1 or 2 for the particle motion of smc (its corrected step is "
          + "SDE-DPM-Solver++ 1 or 2M)", motion.order());
    }
  }

  /** K particles, resampling after every step (threshold 1), weighted output, 2M motion. */
  public static FkcSettings of(int particles) {
    return new FkcSettings(particles, 1.0, false, SdeDpmSolverSettings.DIFFUSERS);
  }

  /** Whether a group with effective sample size {@code ess} is resampled. */
  public boolean resamples(double ess) {
    return essThreshold >= 1.0 || ess < essThreshold * particles;
  }
}
