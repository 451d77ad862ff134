package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Multistep UniPC (Zhao et al. 2023, arXiv 2302.04867) with data prediction, as diffusers'
 * {@code UniPCMultistepScheduler.step} (B(h) variants, {@code predict_x0 = true}). Step i goes from
 * grid level i (s0) to level i + 1 (t); with h = lambda_t - lambda_s0, hh = -h, r_k = (lambda_{s_k} -
 * lambda_s0) / h and D_k = (m_k - m0) / r_k over the data predictions m of earlier levels:
 * <ul>
 *   <li>predictor UniP-p: x_t = (sigma_t / sigma_s0) x - alpha_t (e^hh - 1) m0 - alpha_t B(h) sum_k
 *       rho^p_k D_k;</li>
 *   <li>corrector UniC-p, once the model has been called at the predicted x_t (that call, m_t, is the
 *       next step's m0 as well, so a run makes N calls): x_t^c = (sigma_t / sigma_s0) x - alpha_t (e^hh - 1)
 *       m0 - alpha_t B(h) (sum_k rho^c_k D_k + rho^c_p (m_t - m0)), with the order p of the predictor
 *       step it corrects;</li>
 * </ul>
 * and the weights of {@link UniPcCoefficients}. The corrector runs after every model call except the
 * first (nothing to correct) and after predictor steps listed in {@code disable_corrector}; the last
 * step's result is never corrected (no model call follows it). Orders: step i uses min(p, i + 1) (warm-up)
 * and, with {@code lower_order_final}, at most N - i. A step that lands on a clean level (sigma = 0) is
 * first order: it returns m0 exactly, without forming B(h) times a zero residual (diffusers' bh1 returns
 * NaN there, B(h) = -infinity times 0, and its higher orders divide by h = infinity when
 * {@code lower_order_final} is off). N < p is refused (diffusers lowers the order silently; wl-zhao/UniPC
 * asserts). With {@code thresholding} each data prediction is thresholded ({@link DynamicThresholding}),
 * as diffusers' {@code convert_model_output} with {@code predict_x0}. With {@link DynamicCompensation}
 * (DC-Solver) the newest prediction is interpolated in the model time before each predictor whose ratio is
 * not 1, and stays so in the history. Cost: N model calls plus O(p rows D)
 * per step and the p x p solves.
 *
 * <p>With {@code predict_x0 = false} ({@link UniPcSettings#predictX0}) the same updates integrate the noise
 * prediction eps, as diffusers' noise branches: the coefficient of x is alpha_t / alpha_s0, the model terms are
 * scaled by sigma_t instead of alpha_t, and hh = h (so e^hh - 1, B(h) and the phi_k are taken at +h). A step onto
 * sigma = 0 is then first order and returns its limit (alpha_t / alpha_s0)(x - sigma_s0 e0) (diffusers forms
 * sigma_t (e^h - 1) = 0 x infinity there and returns NaN); x is the corrected state, e0 the call at the predicted one.
 */
public record UniPc(TimeGrid grid, UniPcSettings settings) implements GaussianSolver {
  public UniPc {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("unipc", "settings are required", null);
    }
    orders(settings, grid.steps(), grid.endsClean());
    settings.compensation().checkSteps(grid.steps());
  }

  /** The predictor order of each step. */
  public int[] orders() {
    return orders(settings, grid.steps(), grid.endsClean());
  }

  static int[] orders(UniPcSettings s, int steps, boolean endsClean) {
    if (steps < s.order()) {
      throw ConfigException.of("steps", "must be >= solver_order (" + s.order() + ")", steps);
    }
    int[] orders = new int[steps];
    for (int i = 0; i < steps; i++) {
      int o = Math.min(s.order(), i + 1);
      if (s.lowerOrderFinal()) {
        o = Math.min(o, steps - i);
      }
      if (i == steps - 1 && endsClean) {
        o = 1;
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
    return new SampleBatch(solve(model, xT, keys.length, null), keys.length, model.dimension(), grid.steps());
  }

  /**
   * The solver's state at every grid level: {@code states[0]} is x_T, {@code states[i]} (0 < i < N) the
   * corrected x at level i (the predictor's result where the corrector is disabled), {@code states[N]} the
   * output. Used to fit DC-Solver's ratios against a fine trajectory (a benchmark-side tool). Cost: as
   * {@link #run}, plus N + 1 copies of the batch.
   */
  public double[][] trajectory(Denoiser model, double[] xT, SampleKey[] keys) {
    ModelEvaluation.checkInput(model, xT, keys);
    double[][] states = new double[grid.steps() + 1][];
    states[0] = xT.clone();
    states[grid.steps()] = solve(model, xT, keys.length, states);
    return states;
  }

  private double[] solve(Denoiser model, double[] xT, int rows, double[][] states) {
    int[] orders = orders();
    double[] x = xT.clone();
    double[] scratch = new double[x.length];
    DpmAlgorithm form = settings.algorithm();
    double[] last = null;
    MultistepHistory history = MultistepHistory.empty();
    DynamicCompensation dc = settings.compensation();
    int keep = dc.enabled() ? Math.max(settings.order(), dc.points()) : settings.order();
    double[] times = new double[keep]; // model times of the history, newest first
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s0 = grid.level(i);
      double[] m = new double[x.length];
      form.predict(model, x, rows, s0, i, settings.thresholding(), m, scratch);
      if (i > 0 && settings.corrects(i - 1)) {
        x = update(last, history, grid.level(i - 1), s0, orders[i - 1], m);
      }
      if (states != null && i > 0) {
        states[i] = x.clone();
      }
      history = history.push(s0.lambda(), m, keep);
      System.arraycopy(times, 0, times, 1, keep - 1);
      times[0] = s0.modelTime();
      if (dc.ratio(i) != 1.0) {
        history = compensated(history, times, dc, dc.ratio(i));
      }
      last = x;
      x = update(x, history, s0, grid.level(i + 1), orders[i], null);
    }
    return x;
  }

  /** The history with its newest prediction replaced by DC-Solver's interpolation at ratio rho. */
  private static MultistepHistory compensated(MultistepHistory h, double[] times, DynamicCompensation dc, double rho) {
    double[][] p = h.predictions().clone();
    p[0] = DynamicCompensation.interpolate(p, times, dc.points(), rho);
    return new MultistepHistory(h.lambdas(), p);
  }

  /**
   * One B(h) update of order p from x at s0 (the newest history level) to t: the predictor when
   * {@code modelT} is null, else the corrector with the model output at t.
   */
  double[] update(double[] x, MultistepHistory hist, NoiseLevel s0, NoiseLevel t, int p, double[] modelT) {
    double[] m0 = hist.predictions()[0];
    double lambdaS0 = hist.lambdas()[0];
    DpmAlgorithm form = settings.algorithm();
    double[] out = new double[x.length];
    if (!settings.predictX0() && t.sigma() == 0) { // the clean limit of the first-order noise-form step
      double c = t.alpha() / s0.alpha();
      for (int j = 0; j < x.length; j++) {
        out[j] = c * (x[j] - s0.sigma() * m0[j]);
      }
      return out;
    }
    double h = t.lambda() - lambdaS0;
    double hh = settings.predictX0() ? -h : h;
    double hPhi1 = Math.expm1(hh);
    double at = form.scale(t);
    double ratio = form.ratio(s0, t);
    for (int j = 0; j < x.length; j++) {
      out[j] = ratio * x[j] - at * hPhi1 * m0[j];
    }
    boolean corrector = modelT != null;
    if (p == 1 && !corrector) {
      return out;
    }
    double[] rks = new double[p - 1];
    for (int k = 1; k < p; k++) {
      rks[k - 1] = (hist.lambdas()[k] - lambdaS0) / h;
    }
    double bh = UniPcCoefficients.bh(settings.variant(), hh);
    double[] b = UniPcCoefficients.b(hh, bh, p);
    double[] rhos = corrector ? UniPcCoefficients.corrector(rks, b) : UniPcCoefficients.predictor(rks, b);
    for (int j = 0; j < x.length; j++) {
      double res = 0;
      for (int k = 1; k < p; k++) {
        res += rhos[k - 1] * (hist.predictions()[k][j] - m0[j]) / rks[k - 1];
      }
      if (corrector) {
        res += rhos[p - 1] * (modelT[j] - m0[j]);
      }
      out[j] -= at * bh * res;
    }
    return out;
  }
}
