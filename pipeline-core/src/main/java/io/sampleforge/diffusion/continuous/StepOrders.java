package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * The order of each step of multistep DPM-Solver++ over N steps, as data. Both rules warm up: step i
 * (0-based) never uses more than i + 1 (there are only i + 1 model outputs).
 * <ul>
 *   <li>{@code diffusers} ({@code DPMSolverMultistepScheduler.step}): the last step is first order if
 *       {@code euler_at_final}, or {@code lower_order_final} and N < 15, or the grid ends clean
 *       ({@code final_sigmas_type = zero}, the default); the second-to-last is at most second order if
 *       {@code lower_order_final} and N < 15.</li>
 *   <li>{@code dpm_solver} ({@code DPM_Solver.sample(method='multistep')}): with
 *       {@code lower_order_final} and N < 10, step i (1-based s = i + 1) uses min(order, N + 1 - s).</li>
 * </ul>
 * A step that lands on a clean level (sigma = 0) is always first order (higher orders divide by
 * h = infinity). Both rules require N >= order (dpm-solver asserts it; diffusers would silently lower
 * the order).
 */
public final class StepOrders {
  private StepOrders() {}

  public static int[] of(DpmSolverSettings s, int steps, boolean endsClean) {
    if (steps < s.order()) {
      throw ConfigException.of("steps", "must be >= solver_order (" + s.order() + ")", steps);
    }
    int[] orders = new int[steps];
    for (int i = 0; i < steps; i++) {
      int o = Math.min(s.order(), i + 1);
      if (s.orderRule() == DpmSolverSettings.OrderRule.DIFFUSERS) {
        boolean small = s.lowerOrderFinal() && steps < 15;
        if (i == steps - 1 && (s.eulerAtFinal() || small || endsClean)) {
          o = 1;
        } else if (i == steps - 2 && small) {
          o = Math.min(o, 2);
        }
      } else if (s.lowerOrderFinal() && steps < 10 && i + 1 >= s.order()) {
        o = Math.min(o, steps - i);
      }
      if (i == steps - 1 && endsClean) {
        o = 1;
      }
      orders[i] = o;
    }
    return orders;
  }
}
