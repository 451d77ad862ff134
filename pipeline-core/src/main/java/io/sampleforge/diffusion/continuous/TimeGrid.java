package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * The N + 1 noise levels a sampler walks, noisiest first: step i goes from level i to level i + 1 and
 * calls the model at levels 0 .. N - 1 only. Built the dpm-solver way ({@link #dpmSolver}) or the
 * diffusers {@code DPMSolverMultistepScheduler} way ({@link #diffusers}). Cost O(N).
 */
public final class TimeGrid {
  private final NoiseLevel[] levels;

  public TimeGrid(NoiseLevel[] levels) {
    if (levels == null || levels.length < 2) {
      throw ConfigException.of("steps", "must be >= 1 (a grid needs two levels)", levels == null ? null : levels.length - 1);
    }
    for (int i = 0; i + 1 < levels.length; i++) {
      if (!(levels[i].sigma() > 0)) {
        throw ConfigException.of("noise level " + i, "must have sigma > 0 (only the last level may be clean)", levels[i]);
      }
      if (!(levels[i + 1].lambda() > levels[i].lambda())) {
        throw ConfigException.of("noise level " + (i + 1), "must be less noisy (larger lambda) than level " + i, levels[i + 1]);
      }
    }
    this.levels = levels.clone();
  }

  /** dpm-solver's grid from t_T = schedule.start() to t_0 = schedule.defaultEnd(). */
  public static TimeGrid dpmSolver(NoiseSchedule schedule, SkipType skip, int steps) {
    return dpmSolver(schedule, skip, schedule.start(), schedule.defaultEnd(), steps);
  }

  /** dpm-solver's grid over the times of {@link SkipType#times}. */
  public static TimeGrid dpmSolver(NoiseSchedule schedule, SkipType skip, double tStart, double tEnd, int steps) {
    double[] t = skip.times(schedule, tStart, tEnd, steps);
    NoiseLevel[] l = new NoiseLevel[t.length];
    for (int i = 0; i < t.length; i++) {
      l[i] = schedule.level(t[i]);
    }
    return new TimeGrid(l);
  }

  /**
   * {@code DPMSolverMultistepScheduler.set_timesteps}: the levels of the spaced integer timesteps and a
   * final level, clean ({@link FinalSigma#ZERO}) or that of timestep 0 ({@link FinalSigma#SIGMA_MIN}).
   */
  public static TimeGrid diffusers(DiscreteVpSchedule schedule, DiffusersSpacing spacing, int steps, int stepsOffset,
      FinalSigma last) {
    return diffusers(schedule, spacing, steps, stepsOffset, last, Double.NEGATIVE_INFINITY);
  }

  /**
   * As above with diffusers' {@code lambda_min_clipped} ({@link DiffusersSpacing#dpmSolverTimesteps(int, int, int,
   * int)}); the grid may have fewer than {@code steps} steps with {@code trailing} spacing.
   */
  public static TimeGrid diffusers(DiscreteVpSchedule schedule, DiffusersSpacing spacing, int steps, int stepsOffset,
      FinalSigma last, double lambdaMinClipped) {
    if (Double.isNaN(lambdaMinClipped)) {
      throw ConfigException.of("lambda_min_clipped", "must be a number or -inf", lambdaMinClipped);
    }
    int[] ts = spacing.dpmSolverTimesteps(schedule.trainSteps(), steps, stepsOffset,
        schedule.clippedLastTimestep(lambdaMinClipped));
    for (int i = 0; i + 1 < ts.length; i++) {
      if (ts[i + 1] >= ts[i]) {
        throw ConfigException.of("lambda_min_clipped", "leaves too few training timesteps for " + steps + " distinct "
            + spacing.id() + " steps (timesteps " + Arrays.toString(ts) + ")", lambdaMinClipped);
      }
    }
    NoiseLevel[] l = new NoiseLevel[ts.length + 1];
    for (int i = 0; i < ts.length; i++) {
      l[i] = schedule.level(ts[i]);
    }
    l[ts.length] = last == FinalSigma.ZERO ? NoiseLevel.clean() : schedule.level(0);
    return new TimeGrid(l);
  }

  /** The number of steps N. */
  public int steps() {
    return levels.length - 1;
  }

  /** Level i, 0 <= i <= N. */
  public NoiseLevel level(int i) {
    return levels[i];
  }

  /** Whether the grid ends on clean data (sigma = 0). */
  public boolean endsClean() {
    return levels[levels.length - 1].sigma() == 0;
  }

  @Override
  public String toString() {
    return "TimeGrid" + Arrays.toString(levels);
  }
}
