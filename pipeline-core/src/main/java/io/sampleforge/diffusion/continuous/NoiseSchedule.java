package io.sampleforge.diffusion.continuous;

/**
 * A VP noise schedule in continuous time t in (0, 1] (dpm-solver's {@code NoiseScheduleVP}): log
 * alpha(t), sigma(t) = sqrt(1 - alpha^2), lambda(t) = log alpha - log sigma, its inverse, and the time
 * the model is fed. {@link LinearVpSchedule} is closed form; {@link DiscreteVpSchedule} interpolates
 * a diffusers beta schedule as dpm-solver does; {@link EdmVeSchedule} is a native VE / EDM model
 * rescaled to VP. Cost: O(1) (linear) or O(log N) (discrete) per call.
 */
public sealed interface NoiseSchedule permits LinearVpSchedule, DiscreteVpSchedule, EdmVeSchedule {
  /** log alpha(t). */
  double logAlpha(double t);

  /** The time input of the model at t ({@code model_wrapper.get_model_input_time}). */
  double modelTime(double t);

  /** The t whose lambda(t) is {@code lambda}. */
  double inverseLambda(double lambda);

  /** The default end time t_0 = 1 / total_N (dpm-solver's {@code sample} default). */
  double defaultEnd();

  /** The start time T = 1. */
  default double start() {
    return 1.0;
  }

  /** lambda(t) = log alpha - 0.5 log(1 - alpha^2). */
  default double lambda(double t) {
    double la = logAlpha(t);
    return la - 0.5 * Math.log(-Math.expm1(2 * la));
  }

  /** The level at t. */
  default NoiseLevel level(double t) {
    return NoiseLevel.ofLogAlpha(modelTime(t), logAlpha(t));
  }

  /** log(exp(a) + 1) without overflow (torch.logaddexp(a, 0)). */
  static double softplus(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }
}
