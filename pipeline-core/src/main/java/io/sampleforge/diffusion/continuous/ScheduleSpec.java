package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Locale;

/**
 * The noise schedule a model was trained under, as config data (serialisable, so a Spark task can
 * rebuild it): {@link Kind#DISCRETE} is diffusers' discrete VP schedule ({@link DiscreteVpSchedule}:
 * {@code beta_schedule}, {@code num_train_timesteps}, {@code beta_start}, {@code beta_end}; defaults
 * diffusers' linear 1e-4 .. 0.02 over 1000 steps); {@link Kind#LINEAR} is dpm-solver's continuous
 * linear VP schedule ({@link LinearVpSchedule}: {@code beta0} 0.1, {@code beta1} 20); {@link Kind#EDM} is a
 * native VE / EDM model (Karras et al. 2022) rescaled to VP ({@link EdmVeSchedule}: {@code sigma_min} 0.002,
 * {@code sigma_max} 80, {@code rho} 7; its denoiser is wrapped by {@link VeToVpDenoiser}). {@code
 * rescale_betas_zero_snr} (discrete only, default false) rescales the betas to zero terminal SNR
 * ({@link DiscreteVpSchedule}; Lin et al. 2024). Each kind reads
 * only its own keys; the others keep their defaults. Validation happens here, with config keys under
 * {@code schedule.}. Cost: O(T) to build a discrete schedule, O(1) otherwise.
 */
public record ScheduleSpec(Kind kind, BetaSchedule betaSchedule, int trainSteps, double betaStart, double betaEnd,
    double beta0, double beta1, double sigmaMin, double sigmaMax, double rho, boolean rescaleBetasZeroSnr)
    implements Serializable {
  /** diffusers' DDPM/DDIM/DPM-Solver default: discrete linear betas 1e-4 .. 0.02 over 1000 steps. */
  public static final ScheduleSpec DIFFUSERS = new ScheduleSpec(Kind.DISCRETE, BetaSchedule.LINEAR, 1000, 1e-4, 0.02,
      0.1, 20.0);
  /** EDM's VE schedule: sigma in [0.002, 80], rho 7. */
  public static final ScheduleSpec EDM = edm(0.002, 80.0, 7.0);

  /** Which schedule family (config key {@code schedule.type}). */
  public enum Kind {
    DISCRETE("discrete"),
    LINEAR("linear"),
    EDM("edm");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Kind parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Kind::id);
    }
  }

  public ScheduleSpec {
    if (kind == null) {
      throw ConfigException.of("schedule.type", "is required (discrete, linear or edm)", null);
    }
    if (betaSchedule == null) {
      throw ConfigException.of("schedule.beta_schedule", "is required", null);
    }
    if (rescaleBetasZeroSnr && kind != Kind.DISCRETE) {
      throw ConfigException.of("schedule.rescale_betas_zero_snr", "applies to schedule.type discrete only (diffusers' "
          + "beta schedules)", kind.id());
    }
    build(kind, betaSchedule, trainSteps, betaStart, betaEnd, beta0, beta1, sigmaMin, sigmaMax, rho, rescaleBetasZeroSnr);
  }

  /** The spec without {@code rescale_betas_zero_snr} (the former canonical constructor). */
  public ScheduleSpec(Kind kind, BetaSchedule betaSchedule, int trainSteps, double betaStart, double betaEnd,
      double beta0, double beta1, double sigmaMin, double sigmaMax, double rho) {
    this(kind, betaSchedule, trainSteps, betaStart, betaEnd, beta0, beta1, sigmaMin, sigmaMax, rho, false);
  }

  /** This spec with diffusers' {@code rescale_betas_zero_snr} set as given. */
  public ScheduleSpec withRescaleBetasZeroSnr(boolean rescale) {
    return new ScheduleSpec(kind, betaSchedule, trainSteps, betaStart, betaEnd, beta0, beta1, sigmaMin, sigmaMax, rho,
        rescale);
  }

  /** A VP spec (discrete or linear) with the EDM keys at their defaults (the former canonical constructor). */
  public ScheduleSpec(Kind kind, BetaSchedule betaSchedule, int trainSteps, double betaStart, double betaEnd,
      double beta0, double beta1) {
    this(kind, betaSchedule, trainSteps, betaStart, betaEnd, beta0, beta1, 0.002, 80.0, 7.0);
  }

  /** The {@link Kind#EDM} spec with these keys (the VP keys at diffusers' defaults). */
  public static ScheduleSpec edm(double sigmaMin, double sigmaMax, double rho) {
    return new ScheduleSpec(Kind.EDM, BetaSchedule.LINEAR, 1000, 1e-4, 0.02, 0.1, 20.0, sigmaMin, sigmaMax, rho);
  }

  /** The schedule. */
  public NoiseSchedule build() {
    return build(kind, betaSchedule, trainSteps, betaStart, betaEnd, beta0, beta1, sigmaMin, sigmaMax, rho,
        rescaleBetasZeroSnr);
  }

  private static NoiseSchedule build(Kind kind, BetaSchedule bs, int trainSteps, double betaStart, double betaEnd,
      double beta0, double beta1, double sigmaMin, double sigmaMax, double rho, boolean rescale) {
    try {
      return switch (kind) {
        case DISCRETE -> new DiscreteVpSchedule(bs, trainSteps, betaStart, betaEnd, rescale);
        case LINEAR -> new LinearVpSchedule(beta0, beta1);
        case EDM -> new EdmVeSchedule(sigmaMin, sigmaMax, rho);
      };
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replaceFirst("parameter '", "parameter 'schedule.")
          .replaceFirst("^(parameter 'schedule\\.[a-z_]+)/", "$1/schedule."));
    }
  }

  /** A short description for provenance columns. */
  public String describe() {
    return switch (kind) {
      case DISCRETE -> String.format(Locale.ROOT, "discrete %s %d [%s, %s]%s", betaSchedule.id(), trainSteps, betaStart,
          betaEnd, rescaleBetasZeroSnr ? " rescaled to zero terminal SNR" : "");
      case LINEAR -> String.format(Locale.ROOT, "linear beta0 %s beta1 %s", beta0, beta1);
      case EDM -> String.format(Locale.ROOT, "edm sigma [%s, %s] rho %s", sigmaMin, sigmaMax, rho);
    };
  }
}
