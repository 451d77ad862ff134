package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.List;

/**
 * The (from, to) level pairs of a DDIM run, as data. diffusers' {@code DDIMScheduler.step} goes from
 * timestep t to prev = t - T // N whatever the spacing, so with {@code linspace} or {@code trailing}
 * spacing a step may land on a level that is not the next step's start; {@link #diffusers} keeps
 * that. A prev < 0 is the final level: clean (alpha_bar = 1) with {@code set_alpha_to_one = true}
 * (diffusers' default), else the level of timestep 0. {@link #along} chains a {@link TimeGrid}.
 */
public record DdimPlan(List<Step> steps) {
  /** One step: the model is called at {@code from}; the sample moves to {@code to}. */
  public record Step(NoiseLevel from, NoiseLevel to) {}

  public DdimPlan {
    if (steps == null || steps.isEmpty()) {
      throw ConfigException.of("num_inference_steps", "must be >= 1", steps == null ? null : 0);
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (!(s.from().sigma() > 0)) {
        throw ConfigException.of("DDIM step " + i, "must start at a noisy level (sigma > 0)", s.from());
      }
      if (!(s.to().lambda() >= s.from().lambda())) {
        // equal is allowed: diffusers' linspace plan of one step without set_alpha_to_one goes from 0 to 0
        throw ConfigException.of("DDIM step " + i, "must not end noisier than it starts", s);
      }
    }
    steps = List.copyOf(steps);
  }

  /** diffusers' DDIM plan for N inference steps of a discrete schedule. */
  public static DdimPlan diffusers(DiscreteVpSchedule schedule, DiffusersSpacing spacing, int steps, int stepsOffset,
      boolean setAlphaToOne) {
    int[] ts = spacing.ddimTimesteps(schedule.trainSteps(), steps, stepsOffset);
    int stride = schedule.trainSteps() / steps;
    Step[] out = new Step[steps];
    for (int i = 0; i < steps; i++) {
      int prev = ts[i] - stride;
      NoiseLevel to = prev >= 0 ? schedule.level(prev) : setAlphaToOne ? NoiseLevel.clean() : schedule.level(0);
      out[i] = new Step(schedule.level(ts[i]), to);
    }
    return new DdimPlan(List.of(out));
  }

  /** Consecutive levels of a grid. */
  public static DdimPlan along(TimeGrid grid) {
    Step[] out = new Step[grid.steps()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Step(grid.level(i), grid.level(i + 1));
    }
    return new DdimPlan(List.of(out));
  }
}
