package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * diffusers' {@code timestep_spacing} (Lin et al. 2023, "Common diffusion noise schedules and sample
 * steps are flawed", table 2), for T training steps and N inference steps, largest timestep first.
 * Rounding is numpy's (half to even). {@code steps_offset} applies to {@link #LEADING} only, as in
 * diffusers. DDIM ({@code DDIMScheduler.set_timesteps}, default {@code leading}) and DPM-Solver
 * ({@code DPMSolverMultistepScheduler.set_timesteps}, default {@code linspace}) differ:
 * <ul>
 *   <li>linspace: DDIM round(linspace(0, T-1, N)) reversed; DPM-Solver round(linspace(0, T-1, N+1))
 *       reversed without its last entry (0);</li>
 *   <li>leading: DDIM arange(N) (T // N) reversed; DPM-Solver arange(N+1) (T // (N+1)) reversed
 *       without its last entry;</li>
 *   <li>trailing: both round(arange(T, 0, -T/N)) - 1.</li>
 * </ul>
 */
public enum DiffusersSpacing {
  LINSPACE("linspace"),
  LEADING("leading"),
  TRAILING("trailing");

  private final String id;

  DiffusersSpacing(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static DiffusersSpacing parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), DiffusersSpacing::id);
  }

  /** DDIMScheduler's timesteps. */
  public int[] ddimTimesteps(int trainSteps, int steps, int stepsOffset) {
    check(trainSteps, steps, stepsOffset);
    int[] out = new int[steps];
    for (int k = 0; k < steps; k++) {
      int i = steps - 1 - k; // ascending index of entry k of the reversed array
      out[k] = switch (this) {
        case LINSPACE -> (int) Math.rint(linspace(trainSteps - 1, steps, i));
        case LEADING -> i * (trainSteps / steps) + stepsOffset;
        case TRAILING -> trailing(trainSteps, steps, k);
      };
    }
    return out;
  }

  /** DPMSolverMultistepScheduler's timesteps (no {@code lambda_min_clipped}). */
  public int[] dpmSolverTimesteps(int trainSteps, int steps, int stepsOffset) {
    return dpmSolverTimesteps(trainSteps, steps, stepsOffset, trainSteps);
  }

  /**
   * DPMSolverMultistepScheduler's timesteps below {@code last_timestep} = T minus the number of training
   * timesteps whose lambda is below {@code lambda_min_clipped} ({@link DiscreteVpSchedule#clippedLastTimestep}):
   * linspace round(linspace(0, last - 1, N+1)) and leading arange(N+1) (last // (N+1)) (+ offset), both
   * reversed without their last entry; trailing round(arange(last, 0, -T/N)) - 1, which keeps its step T/N
   * and so has min(N, ceil(last / (T/N))) entries, fewer than N when the clip bites (diffusers then runs fewer steps).
   */
  public int[] dpmSolverTimesteps(int trainSteps, int steps, int stepsOffset, int lastTimestep) {
    check(trainSteps, steps, stepsOffset);
    if (lastTimestep < 1 || lastTimestep > trainSteps) {
      throw ConfigException.of("lambda_min_clipped", "leaves last_timestep " + lastTimestep + " outside [1, "
          + trainSteps + "]: it clips every training timestep", lastTimestep);
    }
    int count = steps;
    if (this == TRAILING) {
      double ratio = (double) trainSteps / steps;
      // numpy's arange length; at most N (unclipped, rounding can make numpy's N + 1, whose extra entry is -1)
      count = Math.min(steps, (int) Math.ceil(lastTimestep / ratio));
    }
    int[] out = new int[count];
    for (int k = 0; k < count; k++) {
      int i = steps - k; // entry k of arange(N+1) reversed
      out[k] = switch (this) {
        case LINSPACE -> (int) Math.rint(linspace(lastTimestep - 1, steps + 1, i));
        case LEADING -> i * (lastTimestep / (steps + 1)) + stepsOffset;
        case TRAILING -> (int) Math.rint(lastTimestep + k * -((double) trainSteps / steps)) - 1;
      };
    }
    return out;
  }

  /** Entry i of numpy.linspace(0, stop, num): i * (stop / (num - 1)), the last exactly stop. */
  private static double linspace(double stop, int num, int i) {
    if (num == 1) {
      return 0;
    }
    return i == num - 1 ? stop : i * (stop / (num - 1));
  }

  private static int trailing(int trainSteps, int steps, int k) {
    double ratio = (double) trainSteps / steps;
    return (int) Math.rint(trainSteps + k * -ratio) - 1;
  }

  private static void check(int trainSteps, int steps, int stepsOffset) {
    if (steps < 1 || steps > trainSteps) {
      throw ConfigException.of("num_inference_steps", "must be in [1, num_train_timesteps = " + trainSteps + "]", steps);
    }
    if (stepsOffset < 0 || stepsOffset >= trainSteps) {
      throw ConfigException.of("steps_offset", "must be in [0, num_train_timesteps)", stepsOffset);
    }
  }
}
