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
 */
public record SdeDpmSolverPlusPlus(TimeGrid grid, SdeDpmSolverSettings settings) implements GaussianSolver {
  public SdeDpmSolverPlusPlus {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("sde_dpm_solver", "settings are required", null);
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
    MultistepHistory history = MultistepHistory.empty();
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s0 = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      double[] m = new double[x.length];
      ModelEvaluation.call(model, x, rows, s0, i, m, null);
      settings.thresholding().apply(m, d);
      history = history.push(s0.lambda(), m, settings.order());
      if (t.sigma() > 0) {
        noise.fill(i, z);
      } else {
        java.util.Arrays.fill(z, 0.0);
      }
      x = step(x, history, s0, t, orders[i], z);
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
}
