package io.sampleforge.diffusion.continuous;

/**
 * The Gaussian-diffusion solvers a run can name (config key {@code solver.name}): {@link #DDIM}
 * ({@link DdimSolver}: {@code eta}, {@code clip_sample}) and {@link #DPMSOLVER_PLUS_PLUS}
 * ({@link DpmSolverPlusPlus}, multistep, {@code order} 1 / 2 (2M) / 3 (3M), {@code solver_type}
 * midpoint | heun, {@code lower_order_final}, {@code euler_at_final}).
 */
public enum SolverKind {
  DDIM("ddim"),
  DPMSOLVER_PLUS_PLUS("dpmsolver++");

  private final String id;

  SolverKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static SolverKind parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), SolverKind::id);
  }
}
