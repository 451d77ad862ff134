package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of SDE-DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095, appendix), named as diffusers'
 * {@code DPMSolverMultistepScheduler(algorithm_type="sde-dpmsolver++")} config. The order schedule is
 * diffusers' ({@link DpmSolverSettings.OrderRule#DIFFUSERS}, see {@link StepOrders}); dpm-solver has no
 * SDE variant.
 *
 * @param order {@code solver_order}: 1, 2 (2M, the default) or 3 (3M: diffusers' SDE third-order update,
 *     added in PR #9104 (0.32); the paper derives orders 1 and 2 only). Feynman-Kac SMC's particle motion
 *     takes orders 1 and 2 ({@link FkcSettings})
 * @param solverType {@code solver_type}: midpoint (default) or heun; changes the second-order term only
 * @param lowerOrderFinal {@code lower_order_final} (default true)
 * @param eulerAtFinal {@code euler_at_final} (default false)
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off)
 */
public record SdeDpmSolverSettings(int order, DpmSolverSettings.SolverType solverType, boolean lowerOrderFinal,
    boolean eulerAtFinal, DynamicThresholding thresholding) implements java.io.Serializable {
  /** diffusers' defaults with {@code algorithm_type="sde-dpmsolver++"}: order 2, midpoint, lower_order_final. */
  public static final SdeDpmSolverSettings DIFFUSERS = new SdeDpmSolverSettings(2, DpmSolverSettings.SolverType.MIDPOINT,
      true, false);

  public SdeDpmSolverSettings {
    if (order < 1 || order > 3) {
      throw ConfigException.of("solver_order", "must be 1, 2 or 3 with algorithm_type sde-dpmsolver++", order);
    }
    if (solverType == null) {
      throw ConfigException.of("solver_type", "is required (midpoint or heun)", null);
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
  }

  /** The given settings without thresholding. */
  public SdeDpmSolverSettings(int order, DpmSolverSettings.SolverType solverType, boolean lowerOrderFinal,
      boolean eulerAtFinal) {
    this(order, solverType, lowerOrderFinal, eulerAtFinal, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public SdeDpmSolverSettings withThresholding(DynamicThresholding t) {
    return new SdeDpmSolverSettings(order, solverType, lowerOrderFinal, eulerAtFinal, t);
  }

  /** The same order schedule as the ODE solver under diffusers' rule. */
  DpmSolverSettings orderSettings() {
    return new DpmSolverSettings(order, solverType, lowerOrderFinal, eulerAtFinal, DpmSolverSettings.OrderRule.DIFFUSERS);
  }
}
