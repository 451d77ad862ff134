package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a singlestep solver: each goes from {@code from} to {@code to}, first order when
 * {@code mid} is null, else second order through the intermediate level {@code mid} (strictly between,
 * in lambda). Built as dpm-solver's {@code DPM_Solver.sample(method='singlestep' | 'singlestep_fixed')}
 * does ({@link #dpmSolver}):
 * <ul>
 *   <li>orders: {@code singlestep} with order 2 is [2] * N/2 (N even) or [2] * (N // 2) + [1] (N odd),
 *       with order 1 [1] * N; {@code singlestep_fixed} is [order] * (N // order);</li>
 *   <li>outer times: K + 1 times of the skip type over K = the number of steps when the skip type is
 *       {@code logSNR} or the method is {@code singlestep_fixed}; otherwise ({@code singlestep} with
 *       {@code time_uniform} / {@code time_quadratic}) the N + 1 times of the skip type taken at the
 *       cumulative sums of the orders;</li>
 *   <li>intermediate: r1 = (lambda(u1) - lambda(s)) / (lambda(t) - lambda(s)) with u = the 3 times of
 *       the skip type from s to t, and mid = the time whose lambda is lambda(s) + r1 h (the schedule's
 *       inverse lambda). So r1 = 1/2 on {@code logSNR} grids and the time midpoint's fraction on
 *       {@code time_uniform} ones.</li>
 * </ul>
 * Cost O(N).
 */
public record SinglestepPlan(List<Step> steps) {
  /** One step; {@code mid} is null for a first-order step. */
  public record Step(NoiseLevel from, NoiseLevel mid, NoiseLevel to) {
    public int order() {
      return mid == null ? 1 : 2;
    }
  }

  public SinglestepPlan {
    if (steps == null || steps.isEmpty()) {
      throw ConfigException.of("steps", "must be >= 1", steps == null ? null : 0);
    }
    steps = List.copyOf(steps);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (!(s.from().sigma() > 0)) {
        throw ConfigException.of("noise level of step " + i, "must have sigma > 0 (only the last level may be clean)", s.from());
      }
      if (!(s.to().lambda() > s.from().lambda())) {
        throw ConfigException.of("noise level of step " + i, "must end less noisy (larger lambda) than it starts", s.to());
      }
      if (i > 0 && steps.get(i - 1).to() != s.from() && !steps.get(i - 1).to().equals(s.from())) {
        throw ConfigException.of("noise level of step " + i, "must start where step " + (i - 1) + " ends", s.from());
      }
      if (s.mid() != null && !(s.to().sigma() > 0 && s.mid().lambda() > s.from().lambda()
          && s.mid().lambda() < s.to().lambda())) {
        throw ConfigException.of("intermediate level of step " + i, "must lie strictly between its ends, which must be noisy",
            s.mid());
      }
    }
  }

  /** The number of model calls: the sum of the orders. */
  public int modelCalls() {
    return steps.stream().mapToInt(Step::order).sum();
  }

  /** dpm-solver's plan from t_T = schedule.start() to t_0 = schedule.defaultEnd() over N calls. */
  public static SinglestepPlan dpmSolver(NoiseSchedule schedule, SkipType skip, int steps, DpmSolverSinglestepSettings s) {
    return dpmSolver(schedule, skip, schedule.start(), schedule.defaultEnd(), steps, s);
  }

  /** dpm-solver's plan between the given times over N calls. */
  public static SinglestepPlan dpmSolver(NoiseSchedule schedule, SkipType skip, double tStart, double tEnd, int steps,
      DpmSolverSinglestepSettings s) {
    if (steps < s.order()) {
      throw ConfigException.of("steps", "must be >= order (" + s.order() + ")", steps);
    }
    int[] orders = orders(steps, s);
    double[] outer;
    if (skip == SkipType.LOGSNR || s.method() == DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED) {
      outer = skip.times(schedule, tStart, tEnd, orders.length);
    } else {
      double[] fine = skip.times(schedule, tStart, tEnd, steps);
      outer = new double[orders.length + 1];
      int at = 0;
      outer[0] = fine[0];
      for (int i = 0; i < orders.length; i++) {
        at += orders[i];
        outer[i + 1] = fine[at];
      }
    }
    List<Step> out = new ArrayList<>();
    NoiseLevel from = schedule.level(outer[0]);
    for (int i = 0; i < orders.length; i++) {
      NoiseLevel to = schedule.level(outer[i + 1]);
      NoiseLevel mid = null;
      if (orders[i] == 2) {
        double[] inner = skip.times(schedule, outer[i], outer[i + 1], 2);
        double l0 = schedule.lambda(inner[0]);
        double r1 = (schedule.lambda(inner[1]) - l0) / (schedule.lambda(inner[2]) - l0);
        double ls = schedule.lambda(outer[i]);
        double h = schedule.lambda(outer[i + 1]) - ls;
        mid = schedule.level(schedule.inverseLambda(ls + r1 * h));
      }
      out.add(new Step(from, mid, to));
      from = to;
    }
    return new SinglestepPlan(out);
  }

  static int[] orders(int steps, DpmSolverSinglestepSettings s) {
    int order = s.order();
    if (s.method() == DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED || order == 1) {
      int k = steps / order;
      int[] o = new int[k];
      java.util.Arrays.fill(o, order);
      return o;
    }
    int k = steps / 2 + steps % 2;
    int[] o = new int[k];
    java.util.Arrays.fill(o, 2);
    if (steps % 2 == 1) {
      o[k - 1] = 1;
    }
    return o;
  }
}
