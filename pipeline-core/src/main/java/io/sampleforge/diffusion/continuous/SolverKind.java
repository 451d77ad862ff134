package io.sampleforge.diffusion.continuous;

/**
 * The Gaussian-diffusion solvers a run can name (config key {@code solver.name}), each with its
 * settings record: {@link #DDIM} ({@link DdimSettings}), {@link #DPMSOLVER_PLUS_PLUS} (multistep,
 * {@link DpmSolverSettings}), {@link #SDE_DPMSOLVER_PLUS_PLUS} ({@link SdeDpmSolverSettings}),
 * {@link #DPMSOLVER_SINGLESTEP} (2S, {@link DpmSolverSinglestepSettings}), {@link #UNIPC} ({@link
 * UniPcSettings}), {@link #DEIS} ({@link DeisSettings}), {@link #EULER} and {@link #HEUN} on the EDM
 * ODE ({@link EdmSettings}); and the noise-prediction DPM-Solver, multistep {@link #DPMSOLVER} ({@link
 * DpmSolverSettings}, diffusers' {@code algorithm_type="dpmsolver"}) and singlestep {@link
 * #DPMSOLVER_SINGLESTEP_NOISE} ({@link DpmSolverSinglestepSettings}, dpm-solver's {@code predict_x0=False}); and
 * its SDE form {@link #SDE_DPMSOLVER} ({@link SdeDpmSolverSettings}, diffusers' {@code algorithm_type="sde-dpmsolver"},
 * orders 1-2, grids ending at sigma > 0); and {@link #IPNDM} ({@link IpndmSettings}, diffusers'
 * {@code IPNDMScheduler} on its own grid).
 */
public enum SolverKind {
  DDIM("ddim", DdimSettings.class),
  DPMSOLVER_PLUS_PLUS("dpmsolver++", DpmSolverSettings.class),
  SDE_DPMSOLVER_PLUS_PLUS("sde-dpmsolver++", SdeDpmSolverSettings.class),
  DPMSOLVER_SINGLESTEP("dpmsolver++-singlestep", DpmSolverSinglestepSettings.class),
  UNIPC("unipc", UniPcSettings.class),
  DEIS("deis", DeisSettings.class),
  EULER("euler", EdmSettings.class),
  HEUN("heun", EdmSettings.class),
  DPMSOLVER("dpmsolver", DpmSolverSettings.class),
  DPMSOLVER_SINGLESTEP_NOISE("dpmsolver-singlestep", DpmSolverSinglestepSettings.class),
  SDE_DPMSOLVER("sde-dpmsolver", SdeDpmSolverSettings.class),
  IPNDM("ipndm", IpndmSettings.class);

  private final String id;
  private final Class<?> settings;

  SolverKind(String id, Class<?> settings) {
    this.id = id;
    this.settings = settings;
  }

  public String id() {
    return id;
  }

  /** The settings record this solver takes. */
  public Class<?> settingsType() {
    return settings;
  }

  /** The DPM-Solver algorithm of the DPM-Solver kinds (ODE or SDE, multistep or singlestep), else null. */
  public DpmAlgorithm dpmAlgorithm() {
    return switch (this) {
      case DPMSOLVER_PLUS_PLUS, DPMSOLVER_SINGLESTEP, SDE_DPMSOLVER_PLUS_PLUS -> DpmAlgorithm.DATA_PREDICTION;
      case DPMSOLVER, DPMSOLVER_SINGLESTEP_NOISE, SDE_DPMSOLVER -> DpmAlgorithm.NOISE_PREDICTION;
      default -> null;
    };
  }

  /** Whether this kind follows dpm-solver's singlestep plan (no grid of levels). */
  public boolean singlestep() {
    return this == DPMSOLVER_SINGLESTEP || this == DPMSOLVER_SINGLESTEP_NOISE;
  }

  /** Whether the solver draws fresh noise at its steps (its samples are a law, not a deterministic map of x_T). */
  public boolean stochastic(Object settings) {
    return this == SDE_DPMSOLVER_PLUS_PLUS || this == SDE_DPMSOLVER || this == DDIM && ((DdimSettings) settings).eta() > 0
        || (this == EULER || this == HEUN) && ((EdmSettings) settings).churn().enabled();
  }

  public static SolverKind parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    for (SolverKind k : values()) {
      if (k.id.equals(v)) {
        return k;
      }
    }
    throw io.sampleforge.errors.ConfigException.of(key, "must be one of "
        + java.util.Arrays.stream(values()).map(SolverKind::id).toList(), value);
  }
}
