package io.sampleforge.diffusion.continuous;

/**
 * diffusers' discrete beta schedules (config key {@code beta_schedule}): {@link #LINEAR} beta_i =
 * linspace(beta_start, beta_end, N); {@link #SCALED_LINEAR} linspace(sqrt(beta_start), sqrt(beta_end),
 * N)^2 (latent diffusion); {@link #SQUAREDCOS_CAP_V2} the GLIDE / improved-DDPM cosine: alpha_bar(s) =
 * cos^2((s + 0.008) / 1.008 pi / 2), beta_i = min(1 - alpha_bar((i + 1) / N) / alpha_bar(i / N),
 * max_beta = 0.999), which ignores beta_start / beta_end. Computed in float64 (diffusers: float32).
 */
public enum BetaSchedule {
  LINEAR("linear"),
  SCALED_LINEAR("scaled_linear"),
  SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

  /** diffusers' cap of the cosine betas. */
  public static final double COSINE_MAX_BETA = 0.999;

  private final String id;

  BetaSchedule(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static BetaSchedule parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), BetaSchedule::id);
  }

  /** The N betas. */
  double[] betas(int n, double betaStart, double betaEnd) {
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      double f = n == 1 ? 0 : (double) i / (n - 1);
      b[i] = switch (this) {
        case LINEAR -> betaStart + f * (betaEnd - betaStart);
        case SCALED_LINEAR -> {
          double s = Math.sqrt(betaStart) + f * (Math.sqrt(betaEnd) - Math.sqrt(betaStart));
          yield s * s;
        }
        case SQUAREDCOS_CAP_V2 -> Math.min(1 - cosineAlphaBar((i + 1.0) / n) / cosineAlphaBar((double) i / n), COSINE_MAX_BETA);
      };
    }
    return b;
  }

  private static double cosineAlphaBar(double s) {
    double c = Math.cos((s + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }
}
