package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * A discrete VP schedule of N training steps: alpha_bar_n = prod_{i <= n} (1 - beta_i) with betas from
 * a {@link BetaSchedule} (diffusers' {@code DDPMScheduler} / {@code DDIMScheduler} /
 * {@code DPMSolverMultistepScheduler} constructors; defaults N = 1000, beta_start = 1e-4, beta_end =
 * 0.02, linear). Two views:
 * <ul>
 *   <li>integer timesteps n (diffusers): {@link #level(int)} has alpha = sqrt(alpha_bar_n) and the
 *       model time n;</li>
 *   <li>continuous t (dpm-solver's {@code NoiseScheduleVP('discrete', betas=...)}): log alpha is the
 *       piecewise-linear interpolation of 0.5 cumsum log(1 - beta) at t_n = (n + 1) / N', extrapolated
 *       linearly beyond the ends, after dropping the tail steps whose lambda is below -5.1
 *       ({@code numerical_clip_alpha}; N' = steps kept); the model time is 1000 (t - 1 / N').</li>
 * </ul>
 * With {@code rescale_betas_zero_snr} (Lin et al. 2024, "Common diffusion noise schedules and sample steps
 * are flawed", algorithm 1, as diffusers' {@code rescale_zero_terminal_snr}) the betas are rescaled so that
 * sqrt(alpha_bar) keeps its first value and is 0 at the last timestep (beta_{N-1} = 1): this object then has
 * alpha_bar_{N-1} = 0 exactly ({@code DDIMScheduler}'s handling; that level has alpha 0, sigma 1), and
 * {@link #withZeroSnrFloor} gives the copy with alpha_bar_{N-1} = 2^-24 that {@code DPMSolverMultistepScheduler},
 * {@code UniPCMultistepScheduler} and {@code EulerDiscreteScheduler} use (so that their first sigma is finite,
 * about 4096). The continuous view drops that tail like any other below the lambda clip.
 * Cost: O(N) to build, O(log N) per continuous evaluation.
 */
public final class DiscreteVpSchedule implements NoiseSchedule, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** dpm-solver's lambda clip for the continuous view. */
  static final double CLIPPED_LAMBDA = -5.1;

  private final BetaSchedule schedule;
  private final int trainSteps;
  private final double betaStart;
  private final double betaEnd;
  private final boolean rescaleZeroSnr;
  private final double[] alphaBar;
  /** Continuous view: log alpha at t_n = (n + 1) / kept, n < kept. */
  private final double[] logAlphas;

  /**
   * @param schedule config key {@code beta_schedule}
   * @param trainSteps {@code num_train_timesteps}, >= 2
   * @param betaStart {@code beta_start}, in (0, 1)
   * @param betaEnd {@code beta_end}, in [beta_start, 1)
   */
  public DiscreteVpSchedule(BetaSchedule schedule, int trainSteps, double betaStart, double betaEnd) {
    this(schedule, trainSteps, betaStart, betaEnd, false);
  }

  /**
   * @param rescaleZeroSnr diffusers' {@code rescale_betas_zero_snr} (default false): alpha_bar at the last
   *     timestep becomes 0 (see the class comment)
   */
  public DiscreteVpSchedule(BetaSchedule schedule, int trainSteps, double betaStart, double betaEnd,
      boolean rescaleZeroSnr) {
    if (schedule == null) {
      throw ConfigException.of("beta_schedule", "is required", null);
    }
    if (trainSteps < 2) {
      throw ConfigException.of("num_train_timesteps", "must be >= 2", trainSteps);
    }
    ConfigNames.requireFinite("beta_start", betaStart);
    ConfigNames.requireFinite("beta_end", betaEnd);
    if (!(betaStart > 0 && betaStart < 1)) {
      throw ConfigException.of("beta_start", "must be in (0, 1)", betaStart);
    }
    if (!(betaEnd >= betaStart && betaEnd < 1)) {
      throw ConfigException.of("beta_start/beta_end", "beta_end must be in [beta_start (" + betaStart + "), 1)", betaEnd);
    }
    this.schedule = schedule;
    this.trainSteps = trainSteps;
    this.betaStart = betaStart;
    this.betaEnd = betaEnd;
    this.rescaleZeroSnr = rescaleZeroSnr;
    double[] betas = schedule.betas(trainSteps, betaStart, betaEnd);
    if (rescaleZeroSnr) {
      betas = rescaleZeroTerminalSnr(betas);
    }
    this.alphaBar = new double[trainSteps];
    double[] logAlpha = new double[trainSteps];
    double prod = 1.0;
    double sumLog = 0.0;
    for (int n = 0; n < trainSteps; n++) {
      prod *= 1.0 - betas[n];
      sumLog += Math.log1p(-betas[n]);
      alphaBar[n] = prod;
      logAlpha[n] = 0.5 * sumLog;
    }
    if (!rescaleZeroSnr && !(Math.sqrt(1.0 - alphaBar[trainSteps - 1]) < 1.0)) {
      throw ConfigException.of("beta_end/num_train_timesteps", "leave alpha_bar at the last timestep (" + alphaBar[trainSteps - 1]
          + ") too small for float64 (sigma rounds to 1): lower beta_end or num_train_timesteps", betaEnd);
    }
    int below = 0;
    for (double la : logAlpha) {
      if (la - 0.5 * Math.log(-Math.expm1(2 * la)) < CLIPPED_LAMBDA) {
        below++;
      }
    }
    this.logAlphas = Arrays.copyOf(logAlpha, trainSteps - below);
    if (logAlphas.length < 2) {
      throw ConfigException.of("beta_schedule", "leaves fewer than 2 steps above lambda " + CLIPPED_LAMBDA, schedule.id());
    }
  }

  private DiscreteVpSchedule(DiscreteVpSchedule base, double lastAlphaBar) {
    this.schedule = base.schedule;
    this.trainSteps = base.trainSteps;
    this.betaStart = base.betaStart;
    this.betaEnd = base.betaEnd;
    this.rescaleZeroSnr = base.rescaleZeroSnr;
    this.alphaBar = base.alphaBar.clone();
    this.alphaBar[trainSteps - 1] = lastAlphaBar;
    this.logAlphas = base.logAlphas;
  }

  /**
   * Lin et al.'s algorithm 1 in float64, step by step as diffusers' {@code rescale_zero_terminal_snr}:
   * s = sqrt(cumprod(1 - beta)); s = (s - s_last) s_0 / (s_0 - s_last); alpha_bar = s^2; alpha_0 =
   * alpha_bar_0, alpha_n = alpha_bar_n / alpha_bar_{n-1}; beta = 1 - alpha.
   */
  static double[] rescaleZeroTerminalSnr(double[] betas) {
    int n = betas.length;
    double[] s = new double[n];
    double prod = 1.0;
    for (int i = 0; i < n; i++) {
      prod *= 1.0 - betas[i];
      s[i] = Math.sqrt(prod);
    }
    double s0 = s[0];
    double sLast = s[n - 1];
    double[] out = new double[n];
    double prevBar = 0;
    for (int i = 0; i < n; i++) {
      double v = (s[i] - sLast) * (s0 / (s0 - sLast));
      double bar = v * v;
      out[i] = 1.0 - (i == 0 ? bar : bar / prevBar);
      prevBar = bar;
    }
    return out;
  }

  /** diffusers' floor of the zero terminal SNR for the multistep / Euler schedulers (2^-24). */
  public static final double ZERO_SNR_FLOOR = 0x1p-24;

  /**
   * With {@code rescale_betas_zero_snr}: this schedule with alpha_bar at the last timestep set to
   * {@link #ZERO_SNR_FLOOR} (what {@code DPMSolverMultistepScheduler}, {@code UniPCMultistepScheduler} and
   * {@code EulerDiscreteScheduler} do); without it, this schedule.
   */
  public DiscreteVpSchedule withZeroSnrFloor() {
    return rescaleZeroSnr ? new DiscreteVpSchedule(this, ZERO_SNR_FLOOR) : this;
  }

  /** Whether the betas were rescaled to zero terminal SNR ({@code rescale_betas_zero_snr}). */
  public boolean rescaleZeroSnr() {
    return rescaleZeroSnr;
  }

  /** diffusers' defaults: linear, 1000 steps, 1e-4 .. 0.02. */
  public static DiscreteVpSchedule diffusersDefault() {
    return new DiscreteVpSchedule(BetaSchedule.LINEAR, 1000, 1e-4, 0.02);
  }

  public BetaSchedule schedule() {
    return schedule;
  }

  public int trainSteps() {
    return trainSteps;
  }

  public double betaStart() {
    return betaStart;
  }

  public double betaEnd() {
    return betaEnd;
  }

  /** alpha_bar_n = prod_{i <= n} (1 - beta_i). */
  public double alphaBar(int n) {
    return alphaBar[n];
  }

  /**
   * The level of integer timestep n (diffusers): alpha = sqrt(alpha_bar_n), model time n (alpha 0, sigma 1 at
   * a zero terminal SNR).
   */
  public NoiseLevel level(int n) {
    if (n < 0 || n >= trainSteps) {
      throw ConfigException.of("timestep", "must be in [0, " + trainSteps + ")", n);
    }
    return new NoiseLevel(n, Math.sqrt(alphaBar[n]), Math.sqrt(1 - alphaBar[n]));
  }

  /**
   * diffusers' {@code DPMSolverMultistepScheduler} clip of the timestep grid: T minus the number of training
   * timesteps n whose lambda_n = log sqrt(alpha_bar_n) - log sqrt(1 - alpha_bar_n) is below {@code
   * lambdaMinClipped} ({@code searchsorted} of the ascending lambdas; -infinity, the default, clips nothing).
   */
  public int clippedLastTimestep(double lambdaMinClipped) {
    int below = 0;
    for (double ab : alphaBar) {
      if (Math.log(Math.sqrt(ab)) - Math.log(Math.sqrt(1 - ab)) < lambdaMinClipped) {
        below++;
      }
    }
    return trainSteps - below;
  }

  /** How many steps the continuous view keeps after the lambda clip (dpm-solver's total_N). */
  public int continuousSteps() {
    return logAlphas.length;
  }

  private double knotTime(int n) {
    return (n + 1.0) / logAlphas.length;
  }

  @Override
  public double logAlpha(double t) {
    int k = logAlphas.length;
    int i = (int) Math.floor(t * k) - 1; // segment [t_i, t_{i+1}]
    i = Math.max(0, Math.min(k - 2, i));
    double t0 = knotTime(i);
    double t1 = knotTime(i + 1);
    return logAlphas[i] + (t - t0) * (logAlphas[i + 1] - logAlphas[i]) / (t1 - t0);
  }

  @Override
  public double modelTime(double t) {
    return (t - 1.0 / logAlphas.length) * 1000.0;
  }

  @Override
  public double inverseLambda(double lambda) {
    double la = -0.5 * NoiseSchedule.softplus(-2.0 * lambda);
    int k = logAlphas.length;
    // logAlphas decreases in n; find i with logAlphas[i] >= la >= logAlphas[i + 1], clamped to the end segments
    int lo = 0;
    int hi = k - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (logAlphas[mid] >= la) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    int i = Math.max(0, Math.min(k - 2, lo));
    return knotTime(i) + (la - logAlphas[i]) * (knotTime(i + 1) - knotTime(i)) / (logAlphas[i + 1] - logAlphas[i]);
  }

  @Override
  public double defaultEnd() {
    return 1.0 / logAlphas.length;
  }

  /** The settings: (beta_schedule, num_train_timesteps, beta_start, beta_end[, rescale_betas_zero_snr]). */
  @Override
  public String toString() {
    return "DiscreteVpSchedule(" + schedule.id() + ", " + trainSteps + ", " + betaStart + ", " + betaEnd
        + (rescaleZeroSnr ? ", rescale_betas_zero_snr, last alpha_bar " + alphaBar[trainSteps - 1] : "") + ")";
  }
}
