package io.sampleforge.diffusion.continuous;

/**
 * Where diffusers' DPM-Solver ends (config key {@code final_sigmas_type}): {@link #ZERO} ({@code zero},
 * the default; the last step lands on clean data, sigma = 0, and diffusers then forces a first-order
 * last step) or {@link #SIGMA_MIN} ({@code sigma_min}: the level of training timestep 0).
 */
public enum FinalSigma {
  ZERO("zero"),
  SIGMA_MIN("sigma_min");

  private final String id;

  FinalSigma(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static FinalSigma parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), FinalSigma::id);
  }
}
