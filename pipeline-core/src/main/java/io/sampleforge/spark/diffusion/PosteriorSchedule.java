package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.EdmVeSchedule;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The noise levels the {@code posterior} job's diffusion samplers (tds, dps, replace) step through
 * (config block {@code schedule}). The prior is an exact Gaussian mixture, whose denoiser is exact at
 * every level, so the grid is free: {@code edm} (default) is the Karras et al. (2022) grid of N sigmas
 * from {@code sigma_max} to {@code sigma_min} with exponent {@code rho} and a final 0, run as VP levels
 * ({@link EdmVeSchedule#karras}); {@code vp} is diffusers' default discrete VP schedule with linspace
 * spacing and a final 0 (a trained prior: its own training schedule, {@link #trained}). The grid's last nonzero level matters for sharp measurements: a step to the
 * clean level is unguided, so a last level of sigma 0.002 (edm) against 0.08 (vp, 50 steps) took TDS on
 * the attrition table (sigma_y 5) from RMSE 18.5 to 4.7 (docs/posterior.md). Cost O(N) per grid.
 */
public record PosteriorSchedule(Kind kind, double sigmaMin, double sigmaMax, double rho, DiscreteVpSchedule vp)
    implements Serializable {
  /** EDM's constants (Karras et al. 2022, table 1). */
  public static final PosteriorSchedule EDM = new PosteriorSchedule(Kind.EDM, 0.002, 80.0, 7.0, null);

  /**
   * The discrete VP schedule a trained network was trained under, linspace spacing (a trained prior is
   * exact only at its own timesteps, so it takes no other grid).
   */
  public static PosteriorSchedule trained(DiscreteVpSchedule vp) {
    return new PosteriorSchedule(Kind.VP, 0.002, 80.0, 7.0, vp);
  }

  /**
   * The discrete VP schedule of the config's {@code schedule.beta_schedule}, {@code num_train_timesteps},
   * {@code beta_start} and {@code beta_end} (the {@code diffuse} job's names; null: diffusers' default, as in
   * {@link io.sampleforge.diffusion.continuous.ScheduleSpec#DIFFUSERS}), validated.
   */
  public static DiscreteVpSchedule discrete(String betaSchedule, Integer trainSteps, Double betaStart,
      Double betaEnd) {
    io.sampleforge.diffusion.continuous.ScheduleSpec d = io.sampleforge.diffusion.continuous.ScheduleSpec.DIFFUSERS;
    return new DiscreteVpSchedule(betaSchedule == null ? d.betaSchedule()
        : io.sampleforge.diffusion.continuous.BetaSchedule.parse("schedule.beta_schedule", betaSchedule),
        trainSteps == null ? d.trainSteps() : trainSteps, betaStart == null ? d.betaStart() : betaStart,
        betaEnd == null ? d.betaEnd() : betaEnd);
  }

  /** The grids. */
  public enum Kind {
    EDM("edm"),
    VP("vp");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Parses {@code schedule.type} (null: edm). */
    public static Kind parse(String key, String value) {
      String v = value == null ? "edm" : value.trim().toLowerCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.id.equals(v)) {
          return k;
        }
      }
      throw ConfigException.of(key, "must be one of [edm, vp]", value);
    }
  }

  public PosteriorSchedule {
    if (kind == null) {
      throw ConfigException.of("schedule.type", "is required (edm or vp)", null);
    }
    if (kind == Kind.EDM) {
      if (!(sigmaMin > 0) || Double.isInfinite(sigmaMin)) {
        throw ConfigException.of("schedule.sigma_min", "must be finite and > 0", sigmaMin);
      }
      if (!(sigmaMax > sigmaMin) || !(sigmaMax <= EdmVeSchedule.MAX_SIGMA)) {
        throw ConfigException.of("schedule.sigma_max", "must be > schedule.sigma_min (" + sigmaMin + ") and <= "
            + EdmVeSchedule.MAX_SIGMA, sigmaMax);
      }
      if (!(rho > 0) || Double.isInfinite(rho)) {
        throw ConfigException.of("schedule.rho", "must be finite and > 0", rho);
      }
    }
  }

  /** The grid of N steps. */
  public TimeGrid grid(int steps) {
    return kind == Kind.EDM ? new EdmVeSchedule(sigmaMin, sigmaMax, rho).karras(steps, FinalSigma.ZERO)
        : TimeGrid.diffusers(vp == null ? DiscreteVpSchedule.diffusersDefault() : vp, DiffusersSpacing.LINSPACE, steps,
            0, FinalSigma.ZERO);
  }

  /** The keys for provenance. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", kind.id());
    if (kind == Kind.EDM) {
      m.put("sigma_min", sigmaMin);
      m.put("sigma_max", sigmaMax);
      m.put("rho", rho);
      m.put("grid", "Karras sigmas as VP levels, final 0");
    } else if (vp == null) {
      m.put("grid", "diffusers default discrete VP, linspace, final 0");
    } else {
      m.put("grid", "the trained model's discrete VP schedule, linspace, final 0");
    }
    return m;
  }
}
