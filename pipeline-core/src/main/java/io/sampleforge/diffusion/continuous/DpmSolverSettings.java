package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of multistep DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095), named as diffusers'
 * {@code DPMSolverMultistepScheduler} config.
 *
 * @param order {@code solver_order}: 1 (= DDIM), 2 (2M, diffusers' default) or 3 (3M)
 * @param solverType {@code solver_type}: midpoint (default) or heun; changes the second-order term only
 * @param lowerOrderFinal {@code lower_order_final} (default true)
 * @param eulerAtFinal {@code euler_at_final} (default false; diffusers only)
 * @param orderRule whose warm-up and final-step order rule to follow ({@link OrderRule})
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off)
 */
public record DpmSolverSettings(int order, SolverType solverType, boolean lowerOrderFinal, boolean eulerAtFinal,
    OrderRule orderRule, DynamicThresholding thresholding) implements java.io.Serializable {
  /** diffusers' defaults: order 2, midpoint, lower_order_final, no euler_at_final. */
  public static final DpmSolverSettings DIFFUSERS = new DpmSolverSettings(2, SolverType.MIDPOINT, true, false, OrderRule.DIFFUSERS);

  public DpmSolverSettings {
    if (order < 1 || order > 3) {
      throw ConfigException.of("solver_order", "must be 1, 2 or 3", order);
    }
    if (solverType == null) {
      throw ConfigException.of("solver_type", "is required (midpoint or heun)", null);
    }
    if (orderRule == null) {
      throw ConfigException.of("order_rule", "is required (diffusers or dpm_solver)", null);
    }
    if (eulerAtFinal && orderRule == OrderRule.DPM_SOLVER) {
      throw ConfigException.of("euler_at_final", "exists only under order_rule diffusers", true);
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
  }

  /** The given settings without thresholding. */
  public DpmSolverSettings(int order, SolverType solverType, boolean lowerOrderFinal, boolean eulerAtFinal,
      OrderRule orderRule) {
    this(order, solverType, lowerOrderFinal, eulerAtFinal, orderRule, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public DpmSolverSettings withThresholding(DynamicThresholding t) {
    return new DpmSolverSettings(order, solverType, lowerOrderFinal, eulerAtFinal, orderRule, t);
  }

  /** dpm-solver's {@code sample(method='multistep', lower_order_final=True)} with the given order and type. */
  public static DpmSolverSettings dpmSolver(int order, SolverType type) {
    return new DpmSolverSettings(order, type, true, false, OrderRule.DPM_SOLVER);
  }

  /** The second-order variant (config key {@code solver_type}). */
  public enum SolverType {
    /** diffusers {@code midpoint}, dpm-solver {@code dpmsolver}: -0.5 alpha_t (e^{-h} - 1) D1. */
    MIDPOINT("midpoint"),
    /** diffusers {@code heun}, dpm-solver {@code taylor}: + alpha_t ((e^{-h} - 1) / h + 1) D1. */
    HEUN("heun");

    private final String id;

    SolverType(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static SolverType parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), SolverType::id);
    }
  }

  /**
   * Which implementation's order schedule to follow (config key {@code order_rule}); see {@link
   * StepOrders}.
   */
  public enum OrderRule {
    DIFFUSERS("diffusers"),
    DPM_SOLVER("dpm_solver");

    private final String id;

    OrderRule(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static OrderRule parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), OrderRule::id);
    }
  }
}
