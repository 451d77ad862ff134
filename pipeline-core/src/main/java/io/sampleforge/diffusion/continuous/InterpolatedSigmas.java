package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * diffusers' {@code EulerDiscreteScheduler} / {@code HeunDiscreteScheduler.set_timesteps} grid without
 * Karras sigmas ({@code interpolation_type="linear"}, the default; diffusers at commit
 * 58eb52c0803ea9af3abec60841c2a093bdf1f951): the N timesteps of the {@code timestep_spacing}, as floats,
 * <ul>
 *   <li>{@code linspace}: linspace(0, T - 1, N) reversed, fractional (999, 899.1, ... for T = 1000,
 *       N = 11);</li>
 *   <li>{@code leading}: arange(N) (T // N) reversed, plus {@code steps_offset};</li>
 *   <li>{@code trailing}: round(arange(T, 0, -T / N)) - 1 (numpy rounding, half to even)</li>
 * </ul>
 * (the integer ones as {@link DiffusersSpacing#ddimTimesteps}), their VE sigmas
 * np.interp(t, arange(T), sqrt((1 - alpha_bar) / alpha_bar)) (linear in sigma between training steps;
 * clamped at the ends as np.interp), then a final sigma: 0 ({@link FinalSigma#ZERO}), or for Euler the sigma
 * of training timestep 0 ({@link FinalSigma#SIGMA_MIN}, Euler's {@code final_sigmas_type}; Heun has no such
 * key and always ends at 0). A VE sigma is the VP level alpha = 1 / sqrt(sigma^2 + 1), sigma_vp = sigma
 * alpha ({@link KarrasSigmas#ofSigma}) whose model time is the (fractional) timestep, which is what
 * diffusers passes to the model after {@code scale_model_input} (x / sqrt(sigma^2 + 1)). Cost O(T + N).
 */
public final class InterpolatedSigmas {
  private InterpolatedSigmas() {}

  /** The N timesteps of the spacing, largest first, as diffusers' Euler / Heun compute them. */
  public static double[] timesteps(DiscreteVpSchedule schedule, DiffusersSpacing spacing, int steps, int stepsOffset) {
    int t = schedule.trainSteps();
    if (spacing != DiffusersSpacing.LINSPACE) {
      int[] ints = spacing.ddimTimesteps(t, steps, stepsOffset);
      double[] out = new double[steps];
      for (int i = 0; i < steps; i++) {
        out[i] = ints[i];
      }
      return out;
    }
    spacing.ddimTimesteps(t, steps, stepsOffset); // the same range checks
    double[] out = new double[steps];
    for (int k = 0; k < steps; k++) {
      int i = steps - 1 - k; // numpy.linspace(0, T - 1, N)[i], reversed
      out[k] = steps == 1 ? 0 : i == steps - 1 ? t - 1 : i * ((double) (t - 1) / (steps - 1));
    }
    return out;
  }

  /** np.interp(time, arange(T), training VE sigmas): linear between neighbouring training steps, clamped outside. */
  public static double sigmaAt(DiscreteVpSchedule schedule, double time) {
    int t = schedule.trainSteps();
    if (!(time > 0)) {
      return KarrasSigmas.trainingSigma(schedule, 0);
    }
    if (time >= t - 1) {
      return KarrasSigmas.trainingSigma(schedule, t - 1);
    }
    int lo = (int) Math.floor(time);
    double w = time - lo;
    double a = KarrasSigmas.trainingSigma(schedule, lo);
    return w == 0 ? a : a + w * (KarrasSigmas.trainingSigma(schedule, lo + 1) - a);
  }

  /**
   * The grid: N interpolated levels and the final one. Refused ({@code final_sigmas_type}): {@code sigma_min}
   * for Heun, and for Euler when the last spaced timestep is already 0 (diffusers would repeat sigma_min, a
   * zero-length step that costs a model call).
   */
  public static TimeGrid eulerDiscrete(DiscreteVpSchedule schedule, DiffusersSpacing spacing, int steps, int stepsOffset,
      FinalSigma last, boolean heun) {
    if (last == null) {
      throw ConfigException.of("final_sigmas_type", "is required (zero or sigma_min)", null);
    }
    double[] ts = timesteps(schedule, spacing, steps, stepsOffset);
    if (last == FinalSigma.SIGMA_MIN && heun) {
      throw ConfigException.of("final_sigmas_type", "must be zero for heun (diffusers' HeunDiscreteScheduler always "
          + "ends at sigma 0)", last.id());
    }
    if (last == FinalSigma.SIGMA_MIN && !(ts[steps - 1] > 0)) {
      throw ConfigException.of("final_sigmas_type", "must be zero when the last " + spacing.id() + " timestep is 0 "
          + "(sigma_min would repeat its sigma, a zero-length step)", last.id());
    }
    NoiseLevel[] levels = new NoiseLevel[steps + 1];
    for (int i = 0; i < steps; i++) {
      levels[i] = KarrasSigmas.ofSigma(ts[i], sigmaAt(schedule, ts[i]));
    }
    levels[steps] = last == FinalSigma.ZERO ? NoiseLevel.clean()
        : KarrasSigmas.ofSigma(0, KarrasSigmas.trainingSigma(schedule, 0));
    return new TimeGrid(levels);
  }
}
