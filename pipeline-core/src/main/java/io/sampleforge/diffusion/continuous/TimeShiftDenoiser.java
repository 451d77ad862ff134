package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * The time-shift sampler TS-DPM (Li et al., "Alleviating Exposure Bias in Diffusion Models through
 * Sampling with Shifted Time Steps", ICLR 2024) as a {@link Denoiser} decorator, so that it wraps any
 * solver on a discrete VP schedule. The rule follows Mingxiao-Li/TS-DPM's
 * {@code sampler/deis_sampler.py::apply_time_shift} (read, not copied): for each row x of a call at model
 * time m, let t = floor(m) (the reference's {@code int()}); if t > cutoff, the model is called at
 * <pre>  t' = argmin over integers t' in [max(0, t - w), min(T - 1, t + w)] of (Var(x) - (1 - alpha_bar_t'))^2</pre>
 * where Var is the unbiased variance over the row's D coordinates ({@code torch.var}'s default) and ties
 * go to the smallest t' ({@code torch.argmin}); else at its own level. A shifted row is fed the whole
 * level of t' (model time t', alpha and sigma of t'), and the reference feeds it the integer t' even when
 * t' = t. The solver's update coefficients stay those of its own level: the model's output at t' is
 * converted to a noise prediction at t' and handed to the solver as the noise prediction at its level (as
 * the reference's DEIS consumes eps; for an {@code epsilon} model the output passes unchanged), in the
 * inner model's own prediction type. Rows that are not shifted get the inner model's output untouched,
 * so a run in which every row's variance agrees best with its own timestep is the unshifted run, bit for
 * bit. The reference's DPM-Solver sampler ({@code dpm_solver_utils.py::time_shift}) differs: it takes the
 * variance of the previous model output rather than of x, halves the window, and moves the step's target
 * time as well; that variant is {@link TimeShiftedDpmSolver}, which the {@code diffuse} job runs instead of this
 * decorator when the solver is the noise-prediction DPM-Solver ({@code solver.name: dpmsolver}). Cost: O(D + w) per row and call on top of the model;
 * the model calls are unchanged (N for an N-call solver).
 */
public final class TimeShiftDenoiser implements Denoiser {
  private final Denoiser inner;
  private final DiscreteVpSchedule schedule;
  private final TimeShiftSettings settings;

  public TimeShiftDenoiser(Denoiser inner, DiscreteVpSchedule schedule, TimeShiftSettings settings) {
    if (inner == null || schedule == null || settings == null) {
      throw ConfigException.of("time_shift", "needs a model, a discrete schedule and settings", null);
    }
    if (inner.dimension() < 2) {
      throw ConfigException.of("time_shift", "needs rows of dimension >= 2 (it matches the variance over a row's "
          + "coordinates)", inner.dimension());
    }
    if (schedule.rescaleZeroSnr()) {
      throw ConfigException.of("time_shift/schedule.rescale_betas_zero_snr", "do not combine (TS-DPM's reference has no "
          + "zero-terminal-SNR schedule)", true);
    }
    this.inner = inner;
    this.schedule = schedule;
    this.settings = settings;
  }

  /** Wraps {@code model} for the schedule of {@code spec}, which must be discrete (schedule.type discrete). */
  public static TimeShiftDenoiser wrap(Denoiser model, SolverSpec spec, TimeShiftSettings settings) {
    if (!(spec.schedule().build() instanceof DiscreteVpSchedule discrete)) {
      throw ConfigException.of("time_shift", "needs the training timesteps of a discrete schedule (schedule.type "
          + "discrete)", spec.schedule().kind().id());
    }
    return new TimeShiftDenoiser(model, discrete, settings);
  }

  public TimeShiftSettings settings() {
    return settings;
  }

  @Override
  public int dimension() {
    return inner.dimension();
  }

  @Override
  public PredictionType predictionType() {
    return inner.predictionType();
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    int d = inner.dimension();
    NoiseLevel[] called = levels.clone();
    boolean any = false;
    for (int r = 0; r < levels.length; r++) {
      int t = timestep(levels[r]);
      int shifted = shiftedTimestep(x, r * d, d, t);
      if (t > settings.cutoff()) {
        called[r] = shifted == t && levels[r].modelTime() == t ? levels[r] : schedule.level(shifted);
        any |= called[r] != levels[r];
      }
    }
    inner.predict(x, called, out);
    if (!any) {
      return;
    }
    PredictionType type = inner.predictionType();
    for (int r = 0; r < levels.length; r++) {
      NoiseLevel at = called[r];
      NoiseLevel own = levels[r];
      if (at == own) {
        continue;
      }
      for (int j = r * d; j < r * d + d; j++) {
        double eps = type.toNoise(out[j], x[j], at.alpha(), at.sigma());
        out[j] = type == PredictionType.EPSILON ? eps
            : type.fromData(PredictionType.EPSILON.toData(eps, x[j], own.alpha(), own.sigma()), x[j], own.alpha(),
                own.sigma());
      }
    }
  }

  /** The training timestep of a level: the integer part of its model time. */
  int timestep(NoiseLevel level) {
    double m = level.modelTime();
    if (!(m >= 0 && m < schedule.trainSteps())) {
      throw new IllegalArgumentException("time_shift: model time " + m + " is not a training timestep in [0, "
          + schedule.trainSteps() + ")");
    }
    return (int) Math.floor(m);
  }

  /**
   * The timestep row x[off .. off + d) is called at from training timestep t: t itself when t <= cutoff,
   * else the argmin of the rule above.
   */
  public int shiftedTimestep(double[] x, int off, int d, int t) {
    if (t <= settings.cutoff()) {
      return t;
    }
    return matchVariance(schedule, settings.window(), x, off, d, t);
  }

  /**
   * The integer t' in [max(0, t - w), min(T - 1, t + w)] whose 1 - alpha_bar_t' is nearest the unbiased variance of
   * v[off .. off + d) (ties to the smallest t'): the rule both TS-DPM variants share.
   */
  static int matchVariance(DiscreteVpSchedule schedule, int window, double[] v, int off, int d, int t) {
    double mean = 0;
    for (int j = off; j < off + d; j++) {
      mean += v[j];
    }
    mean /= d;
    double ss = 0;
    for (int j = off; j < off + d; j++) {
      ss += (v[j] - mean) * (v[j] - mean);
    }
    double var = ss / (d - 1);
    int lo = Math.max(0, t - window);
    int hi = Math.min(schedule.trainSteps() - 1, t + window);
    int best = lo;
    double bestDist = Double.POSITIVE_INFINITY;
    for (int c = lo; c <= hi; c++) {
      double diff = var - (1 - schedule.alphaBar(c));
      double dist = diff * diff;
      if (dist < bestDist) {
        best = c;
        bestDist = dist;
      }
    }
    return best;
  }
}
