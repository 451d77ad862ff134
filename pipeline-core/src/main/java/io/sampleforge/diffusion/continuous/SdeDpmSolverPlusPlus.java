package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Multistep SDE-DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095, appendix; diffusers'
 * {@code DPMSolverMultistepScheduler} with {@code algorithm_type="sde-dpmsolver++"}) with data
 * prediction D = x0: with h = lambda_t - lambda_s0, e = e^{-h}, r0 = (lambda_s0 - lambda_s1) / h,
 * D1 = (m0 - m1) / r0 and z ~ N(0, I),
 * <ul>
 *   <li>order 1: x_t = (sigma_t / sigma_s0) e x + alpha_t (1 - e^2) m0 + sigma_t sqrt(1 - e^2) z;</li>
 *   <li>order 2 (2M) adds + 0.5 alpha_t (1 - e^2) D1 (midpoint) or + alpha_t ((1 - e^2) / (-2h) + 1) D1
 *       (heun);</li>
 *   <li>order 3 (3M), with r1 = (lambda_s1 - lambda_s2) / h, D1_0 = (m0 - m1) / r0, D1_1 = (m1 - m2) / r1,
 *       D1 = D1_0 + r0 / (r0 + r1) (D1_0 - D1_1) and D2 = (D1_0 - D1_1) / (r0 + r1): x_t = (sigma_t / sigma_s0) e x
 *       + alpha_t (1 - e^2) m0 + alpha_t ((1 - e^2) / (-2h) + 1) D1 + alpha_t ((1 - e^2 - 2h) / (2h)^2 - 0.5) D2
 *       + sigma_t sqrt(1 - e^2) z (the same for both solver types).</li>
 * </ul>
 * as {@code dpm_solver_first_order_update} / {@code multistep_dpm_solver_second_order_update} /
 * {@code multistep_dpm_solver_third_order_update} (which compute in float32; here float64). The orders per step are diffusers' ({@link StepOrders}, rule
 * {@code diffusers}); the model is called at levels 0 .. N - 1 (N calls). z of step i is the keyed
 * normal at (step i, coordinate, STEP_NOISE) of each sample ({@link GaussianDraws}), so a sample never
 * depends on its batch. A step onto a clean level returns D exactly (the noise term is 0). With
 * {@code thresholding} each data prediction is thresholded ({@link DynamicThresholding}), as diffusers'
 * {@code convert_model_output} does for {@code sde-dpmsolver++}. Cost: N
 * model calls plus O(order rows D) per step.
 *
 * <p>With {@link DpmAlgorithm#NOISE_PREDICTION} it is the noise-prediction SDE solver (diffusers'
 * {@code algorithm_type="sde-dpmsolver"}; Lu et al. 2022, arXiv 2211.01095, appendix, the SDE form of the
 * original DPM-Solver), integrating e = eps: with h as above,
 * <ul>
 *   <li>order 1: x_t = (alpha_t / alpha_s0) x - 2 sigma_t (e^h - 1) e0 + sigma_t sqrt(e^{2h} - 1) z;</li>
 *   <li>order 2 adds - sigma_t (e^h - 1) D1 (midpoint) or - 2 sigma_t ((e^h - 1) / h - 1) D1 (heun), D1 as
 *       above on eps.</li>
 * </ul>
 * The same keyed z. diffusers refuses {@code final_sigmas_type="zero"} for it (sigma_t (e^h - 1) is 0 x infinity
 * at sigma = 0) and has no third-order update for it (its {@code multistep_dpm_solver_third_order_update} has
 * no {@code sde-dpmsolver} branch and fails); both are refused here ({@code final_sigmas_type},
 * {@code solver_order}). Thresholding recomputes eps from the thresholded x0, as diffusers does.
 */
public record SdeDpmSolverPlusPlus(TimeGrid grid, SdeDpmSolverSettings settings, DpmAlgorithm algorithm)
    implements GaussianSolver {
  /** SDE-DPM-Solver++ (data prediction). */
  public SdeDpmSolverPlusPlus(TimeGrid grid, SdeDpmSolverSettings settings) {
    this(grid, settings, DpmAlgorithm.DATA_PREDICTION);
  }

  public SdeDpmSolverPlusPlus {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("sde_dpm_solver", "settings are required", null);
    }
    if (algorithm == null) {
      throw ConfigException.of("algorithm_type", "is required (sde-dpmsolver++ or sde-dpmsolver)", null);
    }
    if (algorithm == DpmAlgorithm.NOISE_PREDICTION) {
      if (settings.order() > 2) {
        throw ConfigException.of("solver_order", "must be 1 or 2 with algorithm_type sde-dpmsolver (diffusers has no "
            + "third-order sde-dpmsolver update)", settings.order());
      }
      if (grid.endsClean()) {
        throw ConfigException.of("final_sigmas_type", "must be sigma_min for the noise-prediction SDE solver "
            + "(sde-dpmsolver: sigma_t (e^h - 1) is 0 x infinity at sigma = 0; diffusers refuses zero too)", "zero");
      }
    }
    StepOrders.of(settings.orderSettings(), grid.steps(), grid.endsClean());
  }

  /** The order of each step. */
  public int[] orders() {
    return StepOrders.of(settings.orderSettings(), grid.steps(), grid.endsClean());
  }

  @Override
  public int modelCalls() {
    return grid.steps();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    return run(model, xT, keys.length, StepNoise.keyed(draws, keys, model.dimension()));
  }

  /** The run with the step noise taken from {@code noise} (tests inject a reference's noise). */
  SampleBatch run(Denoiser model, double[] xT, int rows, StepNoise noise) {
    int d = model.dimension();
    int[] orders = orders();
    double[] x = xT.clone();
    double[] z = new double[x.length];
    double[] scratch = new double[x.length];
    MultistepHistory history = MultistepHistory.empty();
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s0 = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      double[] m = new double[x.length];
      algorithm.predict(model, x, rows, s0, i, settings.thresholding(), m, scratch);
      history = history.push(s0.lambda(), m, settings.order());
      if (t.sigma() > 0) {
        noise.fill(i, z);
      } else {
        java.util.Arrays.fill(z, 0.0);
      }
      x = algorithm == DpmAlgorithm.DATA_PREDICTION ? step(x, history, s0, t, orders[i], z)
          : noiseStep(x, history, s0, t, orders[i], z);
    }
    return new SampleBatch(x, rows, d, grid.steps());
  }

  private double[] step(double[] x, MultistepHistory hist, NoiseLevel s0, NoiseLevel t, int order, double[] z) {
    double[] m0 = hist.predictions()[0];
    double h = t.lambda() - hist.lambdas()[0];
    double e = Math.exp(-h);
    double oneMinusE2 = -Math.expm1(-2 * h);
    double at = t.alpha();
    double cx = (t.sigma() / s0.sigma()) * e;
    double cd = at * oneMinusE2;
    double cz = t.sigma() * Math.sqrt(oneMinusE2);
    double[] out = new double[x.length];
    if (order == 1) {
      for (int j = 0; j < x.length; j++) {
        out[j] = cx * x[j] + cd * m0[j] + cz * z[j];
      }
      return out;
    }
    double[] m1 = hist.predictions()[1];
    double r0 = (hist.lambdas()[0] - hist.lambdas()[1]) / h;
    if (order == 3) {
      double[] m2 = hist.predictions()[2];
      double r1 = (hist.lambdas()[1] - hist.lambdas()[2]) / h;
      double c1 = at * (oneMinusE2 / (-2 * h) + 1.0);
      double c2 = at * ((oneMinusE2 - 2 * h) / ((2 * h) * (2 * h)) - 0.5);
      for (int j = 0; j < x.length; j++) {
        double d10 = (m0[j] - m1[j]) / r0;
        double d11 = (m1[j] - m2[j]) / r1;
        double d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
        double d2 = (d10 - d11) / (r0 + r1);
        out[j] = cx * x[j] + cd * m0[j] + c1 * d1 + c2 * d2 + cz * z[j];
      }
      return out;
    }
    double c1 = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT
        ? 0.5 * cd
        : at * (oneMinusE2 / (-2 * h) + 1.0);
    for (int j = 0; j < x.length; j++) {
      double d1 = (m0[j] - m1[j]) / r0;
      out[j] = cx * x[j] + cd * m0[j] + c1 * d1 + cz * z[j];
    }
    return out;
  }

  /** One sde-dpmsolver update (order 1 or 2) on the noise predictions. */
  private double[] noiseStep(double[] x, MultistepHistory hist, NoiseLevel s0, NoiseLevel t, int order, double[] z) {
    double[] e0 = hist.predictions()[0];
    double h = t.lambda() - hist.lambdas()[0];
    double phi1 = Math.expm1(h);
    double st = t.sigma();
    double cx = t.alpha() / s0.alpha();
    double ce = -2 * st * phi1;
    double cz = st * Math.sqrt(Math.expm1(2 * h));
    double c1 = 0;
    double[] e1 = null;
    double r0 = 1;
    if (order == 2) {
      e1 = hist.predictions()[1];
      r0 = (hist.lambdas()[0] - hist.lambdas()[1]) / h;
      c1 = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT ? -st * phi1 : -2 * st * (phi1 / h - 1);
    }
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double v = cx * x[j] + ce * e0[j] + cz * z[j];
      if (e1 != null) {
        v += c1 * (e0[j] - e1[j]) / r0;
      }
      out[j] = v;
    }
    return out;
  }
}
