package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.FkcSampler;
import io.sampleforge.diffusion.continuous.FkcSettings;
import io.sampleforge.diffusion.continuous.SdeDpmSolverSettings;
import io.sampleforge.diffusion.continuous.SolverKind;
import io.sampleforge.diffusion.continuous.SolverSpec;
import io.sampleforge.diffusion.continuous.TimeShiftDenoiser;
import io.sampleforge.diffusion.continuous.TimeShiftSettings;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * What the {@code diffuse} stage runs: the solver (with its schedule and steps), the job seed, the
 * number of samples per model call ({@code batch_size}) and the classifier-free guidance scale w
 * ({@code guidance_scale}) for class-labelled requests: w = 1 (default) is the conditional model alone
 * (one call on B rows), any other w is {@link io.sampleforge.diffusion.continuous.ClassifierFreeGuidance}
 * (one call on 2B rows), w = 0 the unconditional model; and the TS-DPM time shift ({@code time_shift},
 * null for none; {@link TimeShiftDenoiser} wraps the model each batch, except under the noise-prediction
 * DPM-Solver ({@code solver.name: dpmsolver}), which runs TS-DPM's own DPM-Solver variant,
 * {@link io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver}); and Feynman-Kac corrector SMC
 * ({@code smc}, null for none; {@link FkcSampler}) for guided requests, whose particles move by the
 * solver's SDE-DPM-Solver++ steps. The batch size changes speed only: every draw
 * is keyed by (seed, request key, sample index), so the samples do not depend on it.
 */
public record GaussianSamplingSettings(SolverSpec solver, long seed, int batchSize, double guidanceScale,
    TimeShiftSettings timeShift, FkcSettings smc) implements Serializable {
  public GaussianSamplingSettings {
    if (solver == null) {
      throw ConfigException.of("solver", "is required", null);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
    if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) {
      throw ConfigException.of("guidance_scale", "must be finite and >= 0", guidanceScale);
    }
    if (timeShift != null && solver.kind() == SolverKind.IPNDM) {
      throw ConfigException.of("time_shift", "does not apply to solver.name ipndm (it walks its own grid, not the "
          + "schedule's training timesteps)", timeShift.describe());
    }
    if (timeShift != null && !(solver.schedule().build() instanceof DiscreteVpSchedule)) {
      throw ConfigException.of("time_shift", "needs the training timesteps of a discrete schedule (schedule.type "
          + "discrete)", solver.schedule().kind().id());
    }
    if (timeShift != null && solver.schedule().rescaleBetasZeroSnr()) {
      throw ConfigException.of("time_shift/schedule.rescale_betas_zero_snr", "do not combine (TS-DPM's reference has no "
          + "zero-terminal-SNR schedule)", true);
    }
    if (timeShift != null && solver.kind() == SolverKind.DPMSOLVER) {
      timeShiftedDpmSolver(solver, timeShift); // refuse a bad window on the driver
    }
    if (smc != null) {
      if (solver.kind() != SolverKind.SDE_DPMSOLVER_PLUS_PLUS) {
        throw ConfigException.of("smc/solver.name", "moves its particles with SDE-DPM-Solver++ steps: solver.name "
            + "must be sde-dpmsolver++", solver.kind().id());
      }
      if (timeShift != null) {
        throw ConfigException.of("smc/time_shift", "do not combine (the corrector's weights assume the model is "
            + "called at the solver's own levels)", timeShift.describe());
      }
      SdeDpmSolverSettings motion = (SdeDpmSolverSettings) solver.settings();
      if (motion.order() > 2) {
        throw ConfigException.of("smc/solver.order", "moves its particles with SDE-DPM-Solver++ 1 or 2M steps: "
            + "solver.order must be 1 or 2", motion.order());
      }
      smc = new FkcSettings(smc.particles(), smc.essThreshold(), smc.finalResample(), motion);
      solver.timeGrid();
    }
  }

  /** Guidance without SMC. */
  public GaussianSamplingSettings(SolverSpec solver, long seed, int batchSize, double guidanceScale,
      TimeShiftSettings timeShift) {
    this(solver, seed, batchSize, guidanceScale, timeShift, null);
  }

  /** No guidance (scale 1: the model as it is), no time shift. */
  public GaussianSamplingSettings(SolverSpec solver, long seed, int batchSize) {
    this(solver, seed, batchSize, 1.0, null, null);
  }

  /** The solver's provenance: its description plus the guidance scale (labelled runs) and the time shift. */
  public java.util.Map<String, Object> describe(boolean labelled) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(solver.describe());
    if (labelled) {
      m.put("guidance_scale", guidanceScale);
    }
    if (timeShift != null) {
      java.util.Map<String, Object> ts = new java.util.LinkedHashMap<>(timeShift.describe());
      if (timeShiftInSolver()) {
        ts.put("variant", "dpm_solver"); // TS-DPM's DPM-Solver form: the targets move too
      }
      m.put("time_shift", ts);
    }
    if (smc != null) {
      m.put("smc", java.util.Map.of("particles", smc.particles(), "ess_threshold", smc.essThreshold(),
          "final_resample", smc.finalResample()));
    }
    return m;
  }

  /**
   * The model calls each sample takes part in: the solver's, or with SMC two per step (the conditional
   * and the unconditional model; guidance without SMC is one call on 2B rows).
   */
  public int modelCallsPerSample() {
    return smc != null ? 2 * solver.timeGrid().steps() : solver.build().modelCalls();
  }

  /**
   * Whether the time shift lives in the solver (TS-DPM's DPM-Solver variant, for {@code solver.name: dpmsolver})
   * rather than in a {@link TimeShiftDenoiser} around the model.
   */
  public boolean timeShiftInSolver() {
    return timeShift != null && solver.kind() == SolverKind.DPMSOLVER;
  }

  /** The solver a task runs: the spec's, or TS-DPM's DPM-Solver variant ({@link #timeShiftInSolver()}). */
  public io.sampleforge.diffusion.continuous.GaussianSolver buildSolver() {
    return timeShiftInSolver() ? timeShiftedDpmSolver(solver, timeShift) : solver.build();
  }

  private static io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver timeShiftedDpmSolver(SolverSpec solver,
      TimeShiftSettings timeShift) {
    return new io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver(solver.timeGrid(),
        (io.sampleforge.diffusion.continuous.DpmSolverSettings) solver.settings(),
        (DiscreteVpSchedule) solver.schedule().build(), timeShift);
  }

  /** Whether a labelled batch needs the unconditional half (w != 1). */
  public boolean guided() {
    return guidanceScale != 1.0;
  }
}
