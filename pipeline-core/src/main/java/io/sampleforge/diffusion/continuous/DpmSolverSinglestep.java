package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Singlestep DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095) with data prediction D = x0, as
 * dpm-solver's {@code dpm_solver_first_update} / {@code singlestep_dpm_solver_second_update}
 * ({@code algorithm_type="dpmsolver++"}) along a {@link SinglestepPlan}: with h = lambda_t - lambda_s,
 * phi1 = expm1(-h), r1 = (lambda_mid - lambda_s) / h,
 * <ul>
 *   <li>order 1: x_t = (sigma_t / sigma_s) x - alpha_t phi1 D(x, s) (= DDIM);</li>
 *   <li>order 2 (2S): u = (sigma_mid / sigma_s) x - alpha_mid expm1(-r1 h) D(x, s), then
 *       x_t = (sigma_t / sigma_s) x - alpha_t phi1 D_s - (0.5 / r1) alpha_t phi1 (D(u, mid) - D_s)
 *       (midpoint, dpm-solver's {@code dpmsolver}) or + (1 / r1) alpha_t (phi1 / h + 1) (D(u, mid) - D_s)
 *       (heun, dpm-solver's {@code taylor}).</li>
 * </ul>
 * Each step calls the model {@code order} times and keeps nothing between steps. No
 * {@code denoise_to_zero}. With {@code thresholding} every call's data prediction (the mid-step call too)
 * is thresholded ({@link DynamicThresholding}), as diffusers' {@code DPMSolverSinglestepScheduler}'s
 * {@code convert_model_output}. Cost: {@link SinglestepPlan#modelCalls()} model calls plus O(rows D) per step.
 */
public record DpmSolverSinglestep(SinglestepPlan plan, DpmSolverSinglestepSettings settings) implements GaussianSolver {
  public DpmSolverSinglestep {
    if (plan == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("dpm_solver_singlestep", "settings are required", null);
    }
    for (SinglestepPlan.Step st : plan.steps()) {
      if (st.order() > settings.order()) {
        throw ConfigException.of("order", "is below the plan's step order " + st.order(), settings.order());
      }
    }
  }

  /** dpm-solver's {@code sample(method=settings.method, order=settings.order, skip_type=skip)} over N calls. */
  public static DpmSolverSinglestep dpmSolver(NoiseSchedule schedule, SkipType skip, int steps,
      DpmSolverSinglestepSettings settings) {
    return new DpmSolverSinglestep(SinglestepPlan.dpmSolver(schedule, skip, steps, settings), settings);
  }

  @Override
  public int modelCalls() {
    return plan.modelCalls();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    int rows = keys.length;
    double[] x = xT.clone();
    double[] ms = new double[x.length];
    double[] m1 = new double[x.length];
    double[] u = new double[x.length];
    int calls = 0;
    for (SinglestepPlan.Step st : plan.steps()) {
      NoiseLevel s = st.from();
      NoiseLevel t = st.to();
      ModelEvaluation.call(model, x, rows, s, calls++, ms, null);
      settings.thresholding().apply(ms, model.dimension());
      double h = t.lambda() - s.lambda();
      double phi1 = Math.expm1(-h);
      double ratio = t.sigma() / s.sigma();
      double at = t.alpha();
      if (st.mid() == null) {
        for (int j = 0; j < x.length; j++) {
          x[j] = ratio * x[j] - at * phi1 * ms[j];
        }
        continue;
      }
      NoiseLevel mid = st.mid();
      double r1 = (mid.lambda() - s.lambda()) / h;
      double ratioMid = mid.sigma() / s.sigma();
      double cMid = mid.alpha() * Math.expm1(-r1 * h);
      for (int j = 0; j < x.length; j++) {
        u[j] = ratioMid * x[j] - cMid * ms[j];
      }
      ModelEvaluation.call(model, u, rows, mid, calls++, m1, null);
      settings.thresholding().apply(m1, model.dimension());
      double c1 = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT
          ? -(0.5 / r1) * at * phi1
          : (1.0 / r1) * at * (phi1 / h + 1.0);
      for (int j = 0; j < x.length; j++) {
        x[j] = ratio * x[j] - at * phi1 * ms[j] + c1 * (m1[j] - ms[j]);
      }
    }
    return new SampleBatch(x, rows, model.dimension(), calls);
  }
}
