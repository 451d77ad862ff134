package io.sampleforge.diffusion.continuous;

/**
 * How a run picks its noise levels (config key {@code timesteps.spacing}): diffusers' integer-timestep
 * spacings of a discrete schedule ({@link DiffusersSpacing}: {@code linspace}, diffusers' DPM-Solver
 * default, {@code leading}, DDIM's default, {@code trailing}), or dpm-solver's continuous skip types
 * ({@link SkipType}: {@code logSNR}, {@code time_uniform}, {@code time_quadratic}) from t_T to dpm-solver's
 * default end 1/N_train (linear schedule: 1e-3), for either schedule family, or {@link #KARRAS} sigmas.
 */
public enum TimestepSpacing {
  LINSPACE("linspace", DiffusersSpacing.LINSPACE, null),
  LEADING("leading", DiffusersSpacing.LEADING, null),
  TRAILING("trailing", DiffusersSpacing.TRAILING, null),
  /**
   * Karras et al.'s rho = 7 sigmas between the training sigmas of timesteps 0 and T - 1 ({@link
   * KarrasSigmas}, diffusers' {@code use_karras_sigmas}); discrete schedules, final sigma zero. On an
   * {@link EdmVeSchedule} (schedule type {@code edm}): its sigma_min .. sigma_max with its rho ({@link
   * EdmVeSchedule#karras}), final sigma zero or sigma_min.
   */
  KARRAS("karras", null, null),
  LOGSNR("logSNR", null, SkipType.LOGSNR),
  TIME_UNIFORM("time_uniform", null, SkipType.TIME_UNIFORM),
  TIME_QUADRATIC("time_quadratic", null, SkipType.TIME_QUADRATIC);

  private final String id;
  private final DiffusersSpacing diffusers;
  private final SkipType skip;

  TimestepSpacing(String id, DiffusersSpacing diffusers, SkipType skip) {
    this.id = id;
    this.diffusers = diffusers;
    this.skip = skip;
  }

  public String id() {
    return id;
  }

  public static TimestepSpacing parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), TimestepSpacing::id);
  }

  /** The diffusers spacing, or null for a dpm-solver skip type and Karras. */
  public DiffusersSpacing diffusers() {
    return diffusers;
  }

  /** The dpm-solver skip type, or null for a diffusers spacing and Karras. */
  public SkipType skip() {
    return skip;
  }
}
