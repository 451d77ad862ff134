package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Multistep DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095, algorithm 2) with data prediction D = x0, and,
 * with {@link DpmAlgorithm#NOISE_PREDICTION}, the multistep noise-prediction DPM-Solver (Lu et al. 2022, arXiv
 * 2206.00927; diffusers' {@code algorithm_type="dpmsolver"}, dpm-solver's {@code predict_x0=False}). With
 * h = lambda_t - lambda_s0, r0 = (lambda_s0 - lambda_s1) / h, r1 = (lambda_s1 - lambda_s2) / h and the
 * algorithm's ratio, A_t, phi1 and sign g ({@link DpmAlgorithm}: for ++ sigma_t / sigma_s0, alpha_t,
 * expm1(-h), +1; for the noise form alpha_t / alpha_s0, sigma_t, expm1(h), -1), phi2 = phi1 / h + g,
 * phi3 = phi2 / h - 1/2, and m the history of the algorithm's predictions (x0 or eps):
 * <ul>
 *   <li>order 1: x_t = ratio x - A_t phi1 m0 (= DDIM);</li>
 *   <li>order 2: D1 = (m0 - m1) / r0, adding - 0.5 A_t phi1 D1 (midpoint) or + g A_t phi2 D1 (heun);</li>
 *   <li>order 3: D1_0 = (m0 - m1) / r0, D1_1 = (m1 - m2) / r1, D1 = D1_0 + r0 / (r0 + r1) (D1_0 - D1_1),
 *       D2 = (D1_0 - D1_1) / (r0 + r1), adding + g A_t phi2 D1 - A_t phi3 D2.</li>
 * </ul>
 * as dpm-solver's {@code multistep_dpm_solver_*_update} and diffusers'
 * {@code multistep_dpm_solver_*_order_update} (which computes in float32; here float64). The orders
 * per step come from {@link StepOrders}; the model is called at levels 0 .. N - 1 of the grid (N
 * calls, none at the end). With {@code thresholding} each data prediction is thresholded as diffusers'
 * {@code convert_model_output} does ({@link DynamicThresholding}; the noise form recomputes eps from the
 * thresholded x0). The noise form refuses a grid ending at sigma = 0 ({@code final_sigmas_type}), as diffusers
 * does. Cost: N model calls plus O(order rows D) per step (and O(rows D log D) per call with thresholding).
 */
public record DpmSolverPlusPlus(TimeGrid grid, DpmSolverSettings settings, DpmAlgorithm algorithm)
    implements GaussianSolver {
  /** DPM-Solver++ (data prediction). */
  public DpmSolverPlusPlus(TimeGrid grid, DpmSolverSettings settings) {
    this(grid, settings, DpmAlgorithm.DATA_PREDICTION);
  }

  public DpmSolverPlusPlus {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("dpm_solver", "settings are required", null);
    }
    if (algorithm == null) {
      throw ConfigException.of("algorithm_type", "is required (dpmsolver++ or dpmsolver)", null);
    }
    if (algorithm == DpmAlgorithm.NOISE_PREDICTION && grid.endsClean()) {
      throw ConfigException.of("final_sigmas_type", "must be sigma_min for the noise-prediction DPM-Solver (dpmsolver: "
          + "sigma_t (e^h - 1) is 0 x infinity at sigma = 0; diffusers refuses zero too)", "zero");
    }
    StepOrders.of(settings, grid.steps(), grid.endsClean()); // validates steps >= order
  }

  /** The order of each step. */
  public int[] orders() {
    return StepOrders.of(settings, grid.steps(), grid.endsClean());
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
    MultistepHistory history = MultistepHistory.empty();
    double[] scratch = new double[x.length];
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s0 = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      double[] m = new double[x.length];
      algorithm.predict(model, x, rows, s0, i, settings.thresholding(), m, scratch);
      history = history.push(s0.lambda(), m, settings.order());
      x = step(x, history, s0, t, orders[i]);
    }
    return new SampleBatch(x, rows, d, grid.steps());
  }

  /** One update of the given order from the newest history level to t. */
  double[] step(double[] x, MultistepHistory hist, NoiseLevel s0, NoiseLevel t, int order) {
    double[] m0 = hist.predictions()[0];
    double lambdaS0 = hist.lambdas()[0];
    double h = t.lambda() - lambdaS0;
    double phi1 = algorithm.phi1(h);
    double g = algorithm.sign();
    double at = algorithm.scale(t);
    double ratio = algorithm.ratio(s0, t);
    double[] out = new double[x.length];
    if (order == 1) {
      for (int j = 0; j < x.length; j++) {
        out[j] = ratio * x[j] - at * phi1 * m0[j];
      }
      return out;
    }
    double[] m1 = hist.predictions()[1];
    double r0 = (lambdaS0 - hist.lambdas()[1]) / h;
    double phi2 = phi1 / h + g;
    if (order == 2) {
      boolean midpoint = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT;
      double c1 = midpoint ? -0.5 * at * phi1 : g * at * phi2;
      for (int j = 0; j < x.length; j++) {
        double d1 = (m0[j] - m1[j]) / r0;
        out[j] = ratio * x[j] - at * phi1 * m0[j] + c1 * d1;
      }
      return out;
    }
    double[] m2 = hist.predictions()[2];
    double r1 = (hist.lambdas()[1] - hist.lambdas()[2]) / h;
    double phi3 = phi2 / h - 0.5;
    double c1 = g * at * phi2;
    for (int j = 0; j < x.length; j++) {
      double d10 = (m0[j] - m1[j]) / r0;
      double d11 = (m1[j] - m2[j]) / r1;
      double d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
      double d2 = (d10 - d11) / (r0 + r1);
      out[j] = ratio * x[j] - at * phi1 * m0[j] + c1 * d1 - at * phi3 * d2;
    }
    return out;
  }
}
