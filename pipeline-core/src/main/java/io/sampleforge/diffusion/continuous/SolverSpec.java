package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole sampler as config data, serialisable so that each Spark task rebuilds the same solver:
 * the model's {@link ScheduleSpec}, the {@link TimestepSpacing} (diffusers' integer spacings need a
 * discrete schedule; {@code final_sigma} and {@code steps_offset} apply to them only), the number of
 * steps and the solver with its settings. {@link #build} validates the combination (exit 2 with the
 * key named) and returns the {@link GaussianSolver}. Cost: O(T + N) to build.
 *
 * @param finalSigma diffusers' {@code final_sigmas_type} for DPM-Solver++ ({@code zero} default); for
 *     DDIM, {@code zero} is {@code set_alpha_to_one = true} (the last step lands on clean data)
 */
public record SolverSpec(ScheduleSpec schedule, TimestepSpacing spacing, FinalSigma finalSigma, int stepsOffset,
    SolverKind kind, int steps, DpmSolverSettings dpm, DdimSettings ddim) implements Serializable {

  public SolverSpec {
    if (schedule == null || spacing == null || finalSigma == null || kind == null) {
      throw ConfigException.of("solver", "needs a schedule, a spacing, a final sigma and a solver name", null);
    }
    if (steps < 1) {
      throw ConfigException.of("steps", "must be >= 1", steps);
    }
    if (stepsOffset < 0) {
      throw ConfigException.of("timesteps.steps_offset", "must be >= 0", stepsOffset);
    }
    if (kind == SolverKind.DPMSOLVER_PLUS_PLUS && dpm == null || kind == SolverKind.DDIM && ddim == null) {
      throw ConfigException.of("solver", "settings of " + kind.id() + " are required", null);
    }
    build(schedule, spacing, finalSigma, stepsOffset, kind, steps, dpm, ddim);
  }

  /** The solver (a fresh, immutable object). */
  public GaussianSolver build() {
    return build(schedule, spacing, finalSigma, stepsOffset, kind, steps, dpm, ddim);
  }

  private static GaussianSolver build(ScheduleSpec scheduleSpec, TimestepSpacing spacing, FinalSigma finalSigma,
      int stepsOffset, SolverKind kind, int steps, DpmSolverSettings dpm, DdimSettings ddim) {
    NoiseSchedule schedule = scheduleSpec.build();
    DiscreteVpSchedule discrete = schedule instanceof DiscreteVpSchedule d ? d : null;
    if (spacing.diffusers() != null && discrete == null) {
      throw ConfigException.of("timesteps.spacing", "'" + spacing.id() + "' spaces the integer timesteps of a discrete "
          + "schedule; with schedule.type " + scheduleSpec.kind().id() + " use logSNR, time_uniform or time_quadratic",
          spacing.id());
    }
    return switch (kind) {
      case DDIM -> new DdimSolver(spacing.diffusers() != null
          ? DdimPlan.diffusers(discrete, spacing.diffusers(), steps, stepsOffset, finalSigma == FinalSigma.ZERO)
          : DdimPlan.along(TimeGrid.dpmSolver(schedule, spacing.skip(), steps)), ddim);
      case DPMSOLVER_PLUS_PLUS -> new DpmSolverPlusPlus(spacing.diffusers() != null
          ? TimeGrid.diffusers(discrete, spacing.diffusers(), steps, stepsOffset, finalSigma)
          : TimeGrid.dpmSolver(schedule, spacing.skip(), steps), dpm);
    };
  }

  /** The settings as an ordered map (provenance: the {@code solver} output column and the manifest). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", kind.id());
    m.put("steps", steps);
    m.put("spacing", spacing.id());
    if (spacing.diffusers() != null) {
      m.put("final_sigma", finalSigma.id());
      m.put("steps_offset", stepsOffset);
    }
    switch (kind) {
      case DDIM -> {
        m.put("eta", ddim.eta());
        m.put("clip_sample", ddim.clipSample());
        if (ddim.clipSample()) {
          m.put("clip_sample_range", ddim.clipSampleRange());
        }
      }
      case DPMSOLVER_PLUS_PLUS -> {
        m.put("order", dpm.order());
        m.put("solver_type", dpm.solverType().id());
        m.put("lower_order_final", dpm.lowerOrderFinal());
        m.put("euler_at_final", dpm.eulerAtFinal());
        m.put("order_rule", dpm.orderRule().id());
      }
    }
    m.put("schedule", schedule.describe());
    return m;
  }
}
