package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Multistep DEIS (Zhang and Chen 2022, arXiv 2204.13902) as diffusers' {@code DEISMultistepScheduler}
 * ({@code algorithm_type = deis}, {@code solver_type = logrho}): the exponential integrator x_t / alpha_t
 * = x_s0 / alpha_s0 + integral from rho_s0 to rho_t of eps d rho, rho = sigma / alpha, with eps replaced by
 * the Lagrange polynomial in log rho through the last p noise predictions e0, e1, e2 (at rho_s0,
 * rho_s1, rho_s2). With L = log:
 * <ul>
 *   <li>order 1: x_t = (alpha_t / alpha_s0) x - sigma_t (e^h - 1) e0 (= DDIM);</li>
 *   <li>order 2: x_t = alpha_t (x / alpha_s0 + c1 e0 + c2 e1), c1 = I(rho_t; s0, s1) - I(rho_s0; s0, s1),
 *       c2 = I(rho_t; s1, s0) - I(rho_s0; s1, s0), I(r; b, c) = r (L r - L c - 1) / (L b - L c)
 *       (the antiderivative of the Lagrange basis);</li>
 *   <li>order 3: the same with the three quadratic Lagrange bases, I(r; b, c, d) = r (L c (L d - L r + 1)
 *       - L d L r + L d + L r^2 - 2 L r + 2) / ((L b - L c)(L b - L d)).</li>
 * </ul>
 * Orders: step i uses min(p, i + 1) (warm-up); with {@code lower_order_final} and N < 15 the last step
 * is first order and the second-to-last at most second order. The grid must end at sigma > 0 (diffusers'
 * DEIS always ends at the level of training timestep 0; log rho of a clean level is -infinity), and
 * N < p is refused (diffusers lowers the order silently). The model is called at levels 0 .. N - 1: N
 * calls. With {@code thresholding} the data prediction is thresholded ({@link DynamicThresholding}) and the
 * noise prediction recomputed from it, eps = (x - alpha x0) / sigma, as diffusers' {@code convert_model_output}.
 * Cost: N model calls plus O(p rows D) per step.
 */
public record Deis(TimeGrid grid, DeisSettings settings) implements GaussianSolver {
  public Deis {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("deis", "settings are required", null);
    }
    if (grid.endsClean()) {
      throw ConfigException.of("final_sigmas_type", "must be sigma_min for DEIS (log rho is -infinity at sigma = 0)",
          "zero");
    }
    orders(settings, grid.steps());
  }

  /** The order of each step. */
  public int[] orders() {
    return orders(settings, grid.steps());
  }

  static int[] orders(DeisSettings s, int steps) {
    if (steps < s.order()) {
      throw ConfigException.of("steps", "must be >= solver_order (" + s.order() + ")", steps);
    }
    boolean small = s.lowerOrderFinal() && steps < 15;
    int[] orders = new int[steps];
    for (int i = 0; i < steps; i++) {
      int o = Math.min(s.order(), i + 1);
      if (small && i == steps - 1) {
        o = 1;
      } else if (small && i == steps - 2) {
        o = Math.min(o, 2);
      }
      orders[i] = o;
    }
    return orders;
  }

  @Override
  public int modelCalls() {
    return grid.steps();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    int d = model.dimension();
    int rows = keys.length;
    int[] orders = orders();
    double[] x = xT.clone();
    double[] x0 = new double[x.length];
    MultistepHistory history = MultistepHistory.empty();
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s0 = grid.level(i);
      double[] eps = new double[x.length];
      ModelEvaluation.call(model, x, rows, s0, i, x0, eps);
      if (settings.thresholding().enabled()) {
        settings.thresholding().apply(x0, d);
        for (int j = 0; j < x.length; j++) {
          eps[j] = (x[j] - s0.alpha() * x0[j]) / s0.sigma();
        }
      }
      history = history.push(s0.lambda(), eps, settings.order());
      x = step(x, history, s0, grid.level(i + 1), orders[i]);
    }
    return new SampleBatch(x, rows, d, grid.steps());
  }

  /** One update of the given order; the history holds noise predictions, newest first. */
  static double[] step(double[] x, MultistepHistory hist, NoiseLevel s0, NoiseLevel t, int order) {
    double[][] e = hist.predictions();
    double at = t.alpha();
    double as0 = s0.alpha();
    double[] out = new double[x.length];
    if (order == 1) {
      double h = t.lambda() - s0.lambda();
      double c = t.sigma() * Math.expm1(h);
      for (int j = 0; j < x.length; j++) {
        out[j] = (at / as0) * x[j] - c * e[0][j];
      }
      return out;
    }
    double rt = t.sigma() / at;
    double r0 = s0.sigma() / as0;
    double l1 = -hist.lambdas()[1];
    if (order == 2) {
      double l0 = Math.log(r0);
      double c1 = ind2(rt, l0, l1) - ind2(r0, l0, l1);
      double c2 = ind2(rt, l1, l0) - ind2(r0, l1, l0);
      for (int j = 0; j < x.length; j++) {
        out[j] = at * (x[j] / as0 + c1 * e[0][j] + c2 * e[1][j]);
      }
      return out;
    }
    double l0 = Math.log(r0);
    double l2 = -hist.lambdas()[2];
    double c1 = ind3(rt, l0, l1, l2) - ind3(r0, l0, l1, l2);
    double c2 = ind3(rt, l1, l2, l0) - ind3(r0, l1, l2, l0);
    double c3 = ind3(rt, l2, l0, l1) - ind3(r0, l2, l0, l1);
    for (int j = 0; j < x.length; j++) {
      out[j] = at * (x[j] / as0 + c1 * e[0][j] + c2 * e[1][j] + c3 * e[2][j]);
    }
    return out;
  }

  /** Antiderivative in r of (L r - lc) / (lb - lc). */
  private static double ind2(double r, double lb, double lc) {
    double lr = Math.log(r);
    return r * (lr - lc - 1) / (lb - lc);
  }

  /** Antiderivative in r of (L r - lc)(L r - ld) / ((lb - lc)(lb - ld)). */
  private static double ind3(double r, double lb, double lc, double ld) {
    double lr = Math.log(r);
    double num = r * (lc * (ld - lr + 1) - ld * lr + ld + lr * lr - 2 * lr + 2);
    return num / ((lb - lc) * (lb - ld));
  }
}
