package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of singlestep DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095; "DPM-Solver-fast" of arXiv
 * 2206.00927), named as dpm-solver's {@code DPM_Solver.sample(method=..., order=..., solver_type=...)}
 * with {@code algorithm_type="dpmsolver++"}.
 *
 * @param order {@code order}: 1 (= DDIM), 2 (2S, r1 = 1/2 in lambda on logSNR grids) or 3 (3S, r1, r2 =
 *     1/3, 2/3 on logSNR grids; dpm-solver's {@code singlestep_dpm_solver_third_update})
 * @param solverType {@code solver_type}: {@code midpoint} (dpm-solver's {@code dpmsolver}) or
 *     {@code heun} (dpm-solver's {@code taylor})
 * @param method {@code method}: {@code singlestep} (mixes orders to spend exactly N calls) or
 *     {@code singlestep_fixed} (N // order steps of one order)
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off), on every model call's
 *     data prediction (the mid-step call too), as diffusers' {@code DPMSolverSinglestepScheduler}
 */
public record DpmSolverSinglestepSettings(int order, DpmSolverSettings.SolverType solverType, Method method,
    DynamicThresholding thresholding) implements java.io.Serializable {
  public DpmSolverSinglestepSettings {
    if (order < 1 || order > 3) {
      throw ConfigException.of("order", "must be 1, 2 or 3 for singlestep DPM-Solver++", order);
    }
    if (solverType == null) {
      throw ConfigException.of("solver_type", "is required (midpoint or heun)", null);
    }
    if (method == null) {
      throw ConfigException.of("method", "is required (singlestep or singlestep_fixed)", null);
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
  }

  /** The given settings without thresholding. */
  public DpmSolverSinglestepSettings(int order, DpmSolverSettings.SolverType solverType, Method method) {
    this(order, solverType, method, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public DpmSolverSinglestepSettings withThresholding(DynamicThresholding t) {
    return new DpmSolverSinglestepSettings(order, solverType, method, t);
  }

  /** dpm-solver's recommended 2S: order 2, midpoint ({@code dpmsolver}), {@code singlestep}. */
  public static final DpmSolverSinglestepSettings DPM_SOLVER_2S = new DpmSolverSinglestepSettings(2,
      DpmSolverSettings.SolverType.MIDPOINT, Method.SINGLESTEP);

  /** dpm-solver's {@code method}. */
  public enum Method {
    /**
     * {@code singlestep}: order 2 with N even takes N / 2 second-order steps; with N odd, N // 2
     * second-order steps and a last first-order step; order 3 takes third-order steps and ends with
     * [2, 1], [1] or [2] ({@link SinglestepPlan}). Exactly N model calls.
     */
    SINGLESTEP("singlestep"),
    /** {@code singlestep_fixed}: N // order steps of the given order, (N // order) order model calls. */
    SINGLESTEP_FIXED("singlestep_fixed");

    private final String id;

    Method(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Method parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Method::id);
    }
  }
}
