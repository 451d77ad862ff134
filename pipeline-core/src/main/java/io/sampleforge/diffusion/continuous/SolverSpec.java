package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole sampler as config data, serialisable so that each Spark task rebuilds the same solver:
 * the model's {@link ScheduleSpec}, the {@link TimestepSpacing}, the number of steps and the solver
 * ({@link SolverKind}) with its settings record. {@link #build} validates the combination (exit 2
 * with the key named) and returns the {@link GaussianSolver}. Grids: diffusers' integer spacings and
 * Karras sigmas need a discrete schedule, or {@link ScheduleSpec.Kind#EDM} for Karras ({@link
 * EdmVeSchedule#karras}: {@code final_sigma} zero appends sigma 0, sigma_min ends on sigma_min); {@code final_sigma} and {@code steps_offset} apply to the
 * integer spacings ({@code final_sigma} also to Karras, which must end at zero); singlestep
 * DPM-Solver++ and DPM-Solver follow dpm-solver's plan and need a skip type; the noise-prediction DPM-Solver
 * ({@code dpmsolver}) and its SDE form ({@code sde-dpmsolver}) need a grid ending at sigma > 0 ({@code final_sigma} sigma_min, a skip type, or EDM Karras); Euler and Heun run on Karras sigmas, a
 * skip type's grid, or on {@code linspace} / {@code leading} / {@code trailing} as diffusers'
 * {@code EulerDiscreteScheduler} / {@code HeunDiscreteScheduler} do ({@link InterpolatedSigmas}: sigmas
 * interpolated at float timesteps). A schedule with {@code rescale_betas_zero_snr} runs only where diffusers
 * has that option, each with its own handling: DDIM on linspace / leading / trailing (alpha_bar 0 at the last
 * timestep; its model output must then be {@code v_prediction} or {@code sample}), and DPM-Solver++ (ODE and
 * SDE), UniPC and Euler on linspace / leading / trailing or karras (alpha_bar 2^-24 there,
 * {@link DiscreteVpSchedule#withZeroSnrFloor}). iPNDM ({@link Ipndm}) walks diffusers' {@code IPNDMScheduler}
 * grid whatever the schedule and spacing ({@link Ipndm#diffusersGrid}). Cost: O(T + N) to build.
 *
 * @param finalSigma diffusers' {@code final_sigmas_type} ({@code zero} default; DEIS needs {@code
 *     sigma_min}); for DDIM, {@code zero} is {@code set_alpha_to_one = true}
 * @param settings the settings record of {@code kind} ({@link SolverKind#settingsType})
 * @param lambdaMinClipped {@code DPMSolverMultistepScheduler}'s {@code lambda_min_clipped} (default -infinity:
 *     no clip): the integer spacings end below the first training timestep whose lambda is under it
 *     ({@link TimeGrid#diffusers(DiscreteVpSchedule, DiffusersSpacing, int, int, FinalSigma, double)}); DPM-Solver++
 *     (ODE or SDE) on linspace / leading / trailing only
 */
public record SolverSpec(ScheduleSpec schedule, TimestepSpacing spacing, FinalSigma finalSigma, int stepsOffset,
    SolverKind kind, int steps, Serializable settings, double lambdaMinClipped) implements Serializable {

  /** A spec without {@code lambda_min_clipped} (the former canonical constructor). */
  public SolverSpec(ScheduleSpec schedule, TimestepSpacing spacing, FinalSigma finalSigma, int stepsOffset,
      SolverKind kind, int steps, Serializable settings) {
    this(schedule, spacing, finalSigma, stepsOffset, kind, steps, settings, Double.NEGATIVE_INFINITY);
  }

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
    if (!kind.settingsType().isInstance(settings)) {
      throw ConfigException.of("solver", kind.id() + " takes " + kind.settingsType().getSimpleName(), settings);
    }
    if (Double.isNaN(lambdaMinClipped) || lambdaMinClipped == Double.POSITIVE_INFINITY) {
      throw ConfigException.of("timesteps.lambda_min_clipped", "must be a number or -inf (no clip)", lambdaMinClipped);
    }
    boolean integer = spacing.diffusers() != null;
    if (lambdaMinClipped != Double.NEGATIVE_INFINITY && !(integer && (kind == SolverKind.DPMSOLVER_PLUS_PLUS
        || kind == SolverKind.SDE_DPMSOLVER_PLUS_PLUS || kind == SolverKind.DPMSOLVER
        || kind == SolverKind.SDE_DPMSOLVER))) {
      throw ConfigException.of("timesteps.lambda_min_clipped", "applies to dpmsolver++, sde-dpmsolver++, dpmsolver and "
          + "sde-dpmsolver on linspace, "
          + "leading or trailing only (diffusers' DPMSolverMultistepScheduler); solver " + kind.id() + ", spacing "
          + spacing.id(), lambdaMinClipped);
    }
    if (schedule.rescaleBetasZeroSnr()) {
      boolean karrasOk = kind == SolverKind.DPMSOLVER_PLUS_PLUS || kind == SolverKind.SDE_DPMSOLVER_PLUS_PLUS
          || kind == SolverKind.UNIPC || kind == SolverKind.EULER;
      if (!(karrasOk || kind == SolverKind.DDIM)) {
        throw ConfigException.of("schedule.rescale_betas_zero_snr", "applies to ddim, dpmsolver++, sde-dpmsolver++, "
            + "unipc and euler only (the diffusers schedulers that have it); solver is " + kind.id(), true);
      }
      if (!(integer || (karrasOk && spacing == TimestepSpacing.KARRAS))) {
        throw ConfigException.of("schedule.rescale_betas_zero_snr", "needs timesteps.spacing linspace, leading or trailing"
            + (karrasOk ? " or karras" : "") + " for " + kind.id() + " (diffusers' grids); spacing is " + spacing.id(),
            true);
      }
    }
    build(schedule, spacing, finalSigma, stepsOffset, kind, steps, settings, lambdaMinClipped);
  }

  /** The solver (a fresh, immutable object). */
  public GaussianSolver build() {
    return build(schedule, spacing, finalSigma, stepsOffset, kind, steps, settings, lambdaMinClipped);
  }

  private static GaussianSolver build(ScheduleSpec scheduleSpec, TimestepSpacing spacing, FinalSigma finalSigma,
      int stepsOffset, SolverKind kind, int steps, Object settings, double lambdaMinClipped) {
    NoiseSchedule schedule = scheduleSpec.build();
    DiscreteVpSchedule discrete = schedule instanceof DiscreteVpSchedule d ? d : null;
    boolean integer = spacing.diffusers() != null;
    boolean edm = schedule instanceof EdmVeSchedule;
    if ((integer || spacing == TimestepSpacing.KARRAS && !edm) && discrete == null) {
      throw ConfigException.of("timesteps.spacing", "'" + spacing.id() + "' needs the training timesteps of a discrete "
          + "schedule; with schedule.type " + scheduleSpec.kind().id() + " use " + (edm ? "karras, " : "")
          + "logSNR, time_uniform or time_quadratic", spacing.id());
    }
    if (kind.singlestep() && spacing.skip() == null) {
      throw ConfigException.of("timesteps.spacing", "must be logSNR, time_uniform or time_quadratic for "
          + kind.id() + " (dpm-solver's singlestep plan)", spacing.id());
    }
    TimeGrid grid = null;
    if ((kind == SolverKind.DPMSOLVER || kind == SolverKind.SDE_DPMSOLVER) && spacing == TimestepSpacing.KARRAS
        && !edm) {
      throw ConfigException.of("timesteps.spacing", "'karras' ends at sigma 0 on a discrete schedule (final_sigma "
          + "sigma_min is refused there), where the noise-prediction " + kind.id() + " is undefined; use linspace, "
          + "leading or trailing with final_sigma sigma_min, or a skip type", spacing.id());
    }
    if (kind == SolverKind.IPNDM) {
      grid = Ipndm.diffusersGrid(steps); // its own schedule; the model's schedule and the spacing are not used
    } else if (!kind.singlestep() && !(kind == SolverKind.DDIM && integer)) {
      grid = grid(schedule, discrete, spacing, finalSigma, stepsOffset, kind, steps, lambdaMinClipped);
    }
    return switch (kind) {
      case DDIM -> new DdimSolver(integer
          ? DdimPlan.diffusers(discrete, spacing.diffusers(), steps, stepsOffset, finalSigma == FinalSigma.ZERO)
          : DdimPlan.along(grid), (DdimSettings) settings);
      case DPMSOLVER_PLUS_PLUS, DPMSOLVER -> new DpmSolverPlusPlus(grid, (DpmSolverSettings) settings,
          kind.dpmAlgorithm());
      case SDE_DPMSOLVER_PLUS_PLUS, SDE_DPMSOLVER -> new SdeDpmSolverPlusPlus(grid, (SdeDpmSolverSettings) settings,
          kind.dpmAlgorithm());
      case DPMSOLVER_SINGLESTEP, DPMSOLVER_SINGLESTEP_NOISE -> DpmSolverSinglestep.dpmSolver(schedule, spacing.skip(),
          steps, (DpmSolverSinglestepSettings) settings, kind.dpmAlgorithm());
      case UNIPC -> new UniPc(grid, (UniPcSettings) settings);
      case DEIS -> new Deis(grid, (DeisSettings) settings);
      case IPNDM -> new Ipndm(grid, (IpndmSettings) settings);
      case EULER, HEUN -> new EdmSolver(grid, (EdmSettings) settings,
          SigmaModelTime.of(discrete == null ? schedule : discrete.withZeroSnrFloor(), spacing));
    };
  }

  /**
   * The grid of levels the solver steps along (every solver but singlestep DPM-Solver++ and DDIM on an
   * integer spacing, which follow their own plans); what a sampler built on this spec's schedule,
   * spacing and steps, such as {@link FkcSampler}, walks.
   */
  public TimeGrid timeGrid() {
    if (kind.singlestep() || (kind == SolverKind.DDIM && spacing.diffusers() != null)) {
      throw ConfigException.of("solver.name", "has its own step plan, not a grid of levels", kind.id());
    }
    NoiseSchedule s = schedule.build();
    return grid(s, s instanceof DiscreteVpSchedule d ? d : null, spacing, finalSigma, stepsOffset, kind, steps,
        lambdaMinClipped);
  }

  /** The grid; a zero-terminal-SNR schedule is floored at 2^-24 as the multistep / Euler schedulers do. */
  private static TimeGrid grid(NoiseSchedule schedule, DiscreteVpSchedule unfloored, TimestepSpacing spacing,
      FinalSigma finalSigma, int stepsOffset, SolverKind kind, int steps, double lambdaMinClipped) {
    DiscreteVpSchedule discrete = unfloored == null ? null : unfloored.withZeroSnrFloor();
    boolean edmOde = kind == SolverKind.EULER || kind == SolverKind.HEUN;
    return spacing.diffusers() != null && edmOde ? InterpolatedSigmas.eulerDiscrete(discrete, spacing.diffusers(), steps,
        stepsOffset, finalSigma, kind == SolverKind.HEUN)
        : spacing.diffusers() != null ? TimeGrid.diffusers(discrete, spacing.diffusers(), steps, stepsOffset,
        finalSigma, lambdaMinClipped)
        : spacing == TimestepSpacing.KARRAS && schedule instanceof EdmVeSchedule edm ? edm.karras(steps, finalSigma)
        : spacing == TimestepSpacing.KARRAS
            ? (edmOde ? KarrasSigmas.eulerDiscrete(discrete, steps,
                finalSigma) : KarrasSigmas.dpmSolverMultistep(discrete, steps, finalSigma))
            : TimeGrid.dpmSolver(schedule, spacing.skip(), steps);
  }

  /** The settings as an ordered map (provenance: the {@code solver} output column and the manifest). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", kind.id());
    m.put("steps", steps);
    m.put("spacing", kind == SolverKind.IPNDM ? "ipndm" : spacing.id());
    if (kind != SolverKind.IPNDM && (spacing.diffusers() != null || spacing == TimestepSpacing.KARRAS)) {
      m.put("final_sigma", finalSigma.id());
    }
    if (kind != SolverKind.IPNDM && spacing.diffusers() != null) {
      m.put("steps_offset", stepsOffset);
    }
    if (lambdaMinClipped != Double.NEGATIVE_INFINITY) {
      m.put("lambda_min_clipped", lambdaMinClipped);
    }
    putComponents(m, settings);
    m.put("model_calls", build().modelCalls());
    m.put("schedule", kind == SolverKind.IPNDM ? "ipndm: sigma = sin(pi s / 2)^2, s = 1 .. 0" : schedule.describe());
    return m;
  }

  /**
   * A record's components under their snake_case names; enums by id. A nested {@link DynamicThresholding}
   * contributes its config keys ({@code thresholding}, {@code dynamic_thresholding_ratio},
   * {@code sample_max_value}), as diffusers' flat config does.
   */
  private static void putComponents(Map<String, Object> m, Object settings) {
    if (settings instanceof DynamicThresholding t) {
      m.put("thresholding", t.enabled());
      m.put("dynamic_thresholding_ratio", t.ratio());
      m.put("sample_max_value", t.sampleMaxValue());
      return;
    }
    for (RecordComponent rc : settings.getClass().getRecordComponents()) {
      try {
        Object v = rc.getAccessor().invoke(settings);
        if (v instanceof DynamicThresholding t) {
          putComponents(m, t);
          continue;
        }
        if (v instanceof EdmChurn c) {
          if (c.enabled()) { // a deterministic run describes itself as before
            m.put("s_churn", c.sChurn());
            m.put("s_tmin", c.sTmin());
            m.put("s_tmax", c.sTmax());
            m.put("s_noise", c.sNoise());
          }
          continue;
        }
        if (v instanceof DynamicCompensation c) {
          if (c.enabled()) {
            m.put("dc_order", c.order());
            m.put("dc_ratios", c.ratios());
          }
          continue;
        }
        if (v instanceof Enum<?> e) {
          try {
            v = e.getClass().getMethod("id").invoke(e);
          } catch (NoSuchMethodException none) {
            v = e.name().toLowerCase(java.util.Locale.ROOT);
          }
        }
        m.put(rc.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT), v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + rc.getName() + " of " + settings, e);
      }
    }
  }
}
