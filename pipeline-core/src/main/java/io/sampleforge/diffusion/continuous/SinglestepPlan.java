package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a singlestep solver: each goes from {@code from} to {@code to}, first order when
 * {@code mid} is null, second order through the intermediate level {@code mid} (strictly between, in
 * lambda) when {@code mid2} is null, else third order through {@code mid} and then {@code mid2}. Built as
 * dpm-solver's {@code DPM_Solver.sample(method='singlestep' | 'singlestep_fixed')} does ({@link #dpmSolver}):
 * <ul>
 *   <li>orders: {@code singlestep} with order 2 is [2] * N/2 (N even) or [2] * (N // 2) + [1] (N odd);
 *       with order 3 and K = N // 3 + 1 it is [3] * (K - 2) + [2, 1] (N % 3 = 0), [3] * (K - 1) + [1]
 *       (N % 3 = 1) or [3] * (K - 1) + [2] (N % 3 = 2) (dpm-solver's
 *       {@code get_orders_and_timesteps_for_singlestep_solver}; the same grouping as diffusers'
 *       {@code DPMSolverSinglestepScheduler.get_order_list} with {@code lower_order_final=True}, whose
 *       [1, 2, 3] runs are one third-order step, except that diffusers with {@code final_sigmas_type="zero"}
 *       splits a last second-order step into two first-order ones); with order 1 [1] * N;
 *       {@code singlestep_fixed} is [order] * (N // order);</li>
 *   <li>outer times: K + 1 times of the skip type over K = the number of steps when the skip type is
 *       {@code logSNR} or the method is {@code singlestep_fixed}; otherwise ({@code singlestep} with
 *       {@code time_uniform} / {@code time_quadratic}) the N + 1 times of the skip type taken at the
 *       cumulative sums of the orders;</li>
 *   <li>intermediate: r_k = (lambda(u_k) - lambda(s)) / (lambda(t) - lambda(s)) with u = the order + 1
 *       times of the skip type from s to t, and mid (mid2) = the time whose lambda is lambda(s) + r1 h
 *       (r2 h) (the schedule's inverse lambda). So r1 = 1/2 (order 2) or r1, r2 = 1/3, 2/3 (order 3) on
 *       {@code logSNR} grids and the time fractions on {@code time_uniform} ones.</li>
 * </ul>
 * Cost O(N).
 */
public record SinglestepPlan(List<Step> steps) {
  /** One step; {@code mid} is null for a first-order step, {@code mid2} null for a first- or second-order one. */
  public record Step(NoiseLevel from, NoiseLevel mid, NoiseLevel mid2, NoiseLevel to) {
    /** A first-order ({@code mid} null) or second-order step. */
    public Step(NoiseLevel from, NoiseLevel mid, NoiseLevel to) {
      this(from, mid, null, to);
    }

    public int order() {
      return mid == null ? 1 : mid2 == null ? 2 : 3;
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
      if (s.mid2() != null && !(s.mid() != null && s.mid2().lambda() > s.mid().lambda()
          && s.mid2().lambda() < s.to().lambda())) {
        throw ConfigException.of("second intermediate level of step " + i, "must lie strictly between the first "
            + "intermediate level and the step's end", s.mid2());
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
      NoiseLevel mid2 = null;
      if (orders[i] >= 2) {
        int k = orders[i];
        double[] inner = skip.times(schedule, outer[i], outer[i + 1], k);
        double l0 = schedule.lambda(inner[0]);
        double hInner = schedule.lambda(inner[k]) - l0;
        double ls = schedule.lambda(outer[i]);
        double h = schedule.lambda(outer[i + 1]) - ls;
        double r1 = (schedule.lambda(inner[1]) - l0) / hInner;
        mid = schedule.level(schedule.inverseLambda(ls + r1 * h));
        if (k == 3) {
          double r2 = (schedule.lambda(inner[2]) - l0) / hInner;
          mid2 = schedule.level(schedule.inverseLambda(ls + r2 * h));
        }
      }
      out.add(new Step(from, mid, mid2, to));
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
    if (order == 3) {
      int k = steps / 3 + 1;
      int[] o = new int[k];
      java.util.Arrays.fill(o, 3);
      switch (steps % 3) {
        case 0 -> {
          o[k - 2] = 2;
          o[k - 1] = 1;
        }
        case 1 -> o[k - 1] = 1;
        default -> o[k - 1] = 2;
      }
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
