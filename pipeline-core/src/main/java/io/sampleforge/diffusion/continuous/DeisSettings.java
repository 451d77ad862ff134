package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of multistep DEIS (Zhang and Chen 2022, arXiv 2204.13902), named as diffusers'
 * {@code DEISMultistepScheduler} config. diffusers offers one algorithm ({@code algorithm_type = deis},
 * the exponential integrator in rho = sigma / alpha on the noise prediction) and one solver
 * ({@code solver_type = logrho}, Lagrange extrapolation of eps in log rho); both are kept as one-value
 * choices so a job names them. diffusers silently maps {@code dpmsolver} / {@code dpmsolver++} and
 * {@code midpoint} / {@code heun} / {@code bh1} / {@code bh2} onto them; here those names are refused.
 *
 * @param order {@code solver_order}: 1 (= DDIM), 2 (default) or 3
 * @param algorithm {@code algorithm_type}: {@link Algorithm#DEIS}
 * @param solver {@code solver_type}: {@link Solver#LOGRHO}
 * @param lowerOrderFinal {@code lower_order_final} (default true): with N < 15 the last step is first
 *     order and the second-to-last at most second order
 * @param thresholding {@code thresholding}, {@code dynamic_thresholding_ratio}, {@code sample_max_value}:
 *     dynamic thresholding of the data prediction ({@link DynamicThresholding}; default off); the noise prediction is
 *     then recomputed from the thresholded x0, as diffusers' {@code convert_model_output}
 */
public record DeisSettings(int order, Algorithm algorithm, Solver solver, boolean lowerOrderFinal,
    DynamicThresholding thresholding) implements java.io.Serializable {
  /** diffusers' defaults: order 2, deis, logrho, lower_order_final. */
  public static final DeisSettings DIFFUSERS = new DeisSettings(2, Algorithm.DEIS, Solver.LOGRHO, true);

  public DeisSettings {
    if (order < 1 || order > 3) {
      throw ConfigException.of("solver_order", "must be 1, 2 or 3", order);
    }
    if (algorithm == null) {
      throw ConfigException.of("algorithm_type", "is required (deis)", null);
    }
    if (solver == null) {
      throw ConfigException.of("solver_type", "is required (logrho)", null);
    }
    if (thresholding == null) {
      throw ConfigException.of("thresholding", "is required (DynamicThresholding.OFF for none)", null);
    }
  }

  /** The given settings without thresholding. */
  public DeisSettings(int order, Algorithm algorithm, Solver solver, boolean lowerOrderFinal) {
    this(order, algorithm, solver, lowerOrderFinal, DynamicThresholding.OFF);
  }

  /** These settings with the given thresholding. */
  public DeisSettings withThresholding(DynamicThresholding t) {
    return new DeisSettings(order, algorithm, solver, lowerOrderFinal, t);
  }

  /** The given order with diffusers' other defaults. */
  public static DeisSettings of(int order, boolean lowerOrderFinal) {
    return new DeisSettings(order, Algorithm.DEIS, Solver.LOGRHO, lowerOrderFinal);
  }

  /** Config key {@code algorithm_type}. */
  public enum Algorithm {
    DEIS("deis");

    private final String id;

    Algorithm(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Algorithm parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Algorithm::id);
    }
  }

  /** Config key {@code solver_type}. */
  public enum Solver {
    LOGRHO("logrho");

    private final String id;

    Solver(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Solver parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Solver::id);
    }
  }
}
