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
 *       (heun, dpm-solver's {@code taylor});</li>
 *   <li>order 3 ({@code singlestep_dpm_solver_third_update}), with r2 = (lambda_mid2 - lambda_s) / h,
 *       phi2 = phi1 / h + 1, phi22 = expm1(-r2 h) / (r2 h) + 1, phi3 = phi2 / h - 1/2: u1 as u above,
 *       u2 = (sigma_mid2 / sigma_s) x - alpha_mid2 expm1(-r2 h) D_s + (r2 / r1) alpha_mid2 phi22 (D1 - D_s)
 *       with D1 = D(u1, mid), D2 = D(u2, mid2); then x_t = (sigma_t / sigma_s) x - alpha_t phi1 D_s
 *       + (1 / r2) alpha_t phi2 (D2 - D_s) (midpoint) or, with E0 = (D1 - D_s) / r1, E1 = (D2 - D_s) / r2,
 *       + alpha_t phi2 (r2 E0 - r1 E1) / (r2 - r1) - alpha_t phi3 2 (E1 - E0) / (r2 - r1) (heun).</li>
 * </ul>
 * With {@link DpmAlgorithm#NOISE_PREDICTION} (dpm-solver's {@code algorithm_type="dpmsolver"}, {@code
 * predict_x0=False}) the same steps integrate eps instead: every sigma_a / sigma_s becomes alpha_a / alpha_s,
 * every alpha_a coefficient sigma_a, expm1(-r h) becomes expm1(r h), and phi2, phi22 and the heun (taylor)
 * terms change sign ({@link DpmAlgorithm}): order 2 heun adds - (1 / r1) sigma_t (phi1 / h - 1) (e(u, mid) -
 * e_s); order 3 has phi22 = expm1(r2 h) / (r2 h) - 1, u2 = ... - (r2 / r1) sigma_mid2 phi22 (e1 - e_s),
 * midpoint - (1 / r2) sigma_t phi2 (e2 - e_s), heun - sigma_t phi2 D1 - sigma_t phi3 D2.
 * Each step calls the model {@code order} times and keeps nothing between steps. No
 * {@code denoise_to_zero}. With {@code thresholding} every call's data prediction (the mid-step call too)
 * is thresholded ({@link DynamicThresholding}), as diffusers' {@code DPMSolverSinglestepScheduler}'s
 * {@code convert_model_output}. Cost: {@link SinglestepPlan#modelCalls()} model calls plus O(rows D) per step.
 */
public record DpmSolverSinglestep(SinglestepPlan plan, DpmSolverSinglestepSettings settings, DpmAlgorithm algorithm)
    implements GaussianSolver {
  /** Singlestep DPM-Solver++ (data prediction). */
  public DpmSolverSinglestep(SinglestepPlan plan, DpmSolverSinglestepSettings settings) {
    this(plan, settings, DpmAlgorithm.DATA_PREDICTION);
  }

  public DpmSolverSinglestep {
    if (plan == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("dpm_solver_singlestep", "settings are required", null);
    }
    if (algorithm == null) {
      throw ConfigException.of("algorithm_type", "is required (dpmsolver++ or dpmsolver)", null);
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
    return dpmSolver(schedule, skip, steps, settings, DpmAlgorithm.DATA_PREDICTION);
  }

  /** The same with dpm-solver's {@code algorithm_type} ({@code dpmsolver++} or {@code dpmsolver}). */
  public static DpmSolverSinglestep dpmSolver(NoiseSchedule schedule, SkipType skip, int steps,
      DpmSolverSinglestepSettings settings, DpmAlgorithm algorithm) {
    return new DpmSolverSinglestep(SinglestepPlan.dpmSolver(schedule, skip, steps, settings), settings, algorithm);
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
    double[] scratch = new double[x.length];
    double[] m2 = null;
    double g = algorithm.sign();
    DynamicThresholding th = settings.thresholding();
    int calls = 0;
    for (SinglestepPlan.Step st : plan.steps()) {
      NoiseLevel s = st.from();
      NoiseLevel t = st.to();
      algorithm.predict(model, x, rows, s, calls++, th, ms, scratch);
      double h = t.lambda() - s.lambda();
      double phi1 = algorithm.phi1(h);
      double ratio = algorithm.ratio(s, t);
      double at = algorithm.scale(t);
      if (st.mid() == null) {
        for (int j = 0; j < x.length; j++) {
          x[j] = ratio * x[j] - at * phi1 * ms[j];
        }
        continue;
      }
      NoiseLevel mid = st.mid();
      double r1 = (mid.lambda() - s.lambda()) / h;
      double ratioMid = algorithm.ratio(s, mid);
      double cMid = algorithm.scale(mid) * algorithm.phi1(r1 * h);
      for (int j = 0; j < x.length; j++) {
        u[j] = ratioMid * x[j] - cMid * ms[j];
      }
      algorithm.predict(model, u, rows, mid, calls++, th, m1, scratch);
      boolean midpoint = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT;
      if (st.mid2() == null) {
        double c1 = midpoint ? -(0.5 / r1) * at * phi1 : g * (1.0 / r1) * at * (phi1 / h + g);
        for (int j = 0; j < x.length; j++) {
          x[j] = ratio * x[j] - at * phi1 * ms[j] + c1 * (m1[j] - ms[j]);
        }
        continue;
      }
      if (m2 == null) {
        m2 = new double[x.length];
      }
      thirdOrder(model, st, x, ms, m1, m2, u, scratch, rows, calls, r1, h, midpoint);
      calls++;
    }
    return new SampleBatch(x, rows, model.dimension(), calls);
  }

  /** The rest of a third-order step after m_s (ms) and m1: one model call at mid2, x updated in place. */
  private void thirdOrder(Denoiser model, SinglestepPlan.Step st, double[] x, double[] ms, double[] m1, double[] m2,
      double[] u, double[] scratch, int rows, int call, double r1, double h, boolean midpoint) {
    NoiseLevel s = st.from();
    NoiseLevel mid2 = st.mid2();
    NoiseLevel t = st.to();
    double g = algorithm.sign();
    double r2 = (mid2.lambda() - s.lambda()) / h;
    double phi1 = algorithm.phi1(h);
    double phi2 = phi1 / h + g;
    double phi3 = phi2 / h - 0.5;
    double phi12 = algorithm.phi1(r2 * h);
    double phi22 = phi12 / (r2 * h) + g;
    double ratio2 = algorithm.ratio(s, mid2);
    double a2 = algorithm.scale(mid2);
    for (int j = 0; j < x.length; j++) {
      u[j] = ratio2 * x[j] - a2 * phi12 * ms[j] + g * (r2 / r1) * a2 * phi22 * (m1[j] - ms[j]);
    }
    algorithm.predict(model, u, rows, mid2, call, settings.thresholding(), m2, scratch);
    double ratio = algorithm.ratio(s, t);
    double at = algorithm.scale(t);
    for (int j = 0; j < x.length; j++) {
      double base = ratio * x[j] - at * phi1 * ms[j];
      if (midpoint) {
        x[j] = base + g * (1.0 / r2) * at * phi2 * (m2[j] - ms[j]);
      } else {
        double e0 = (m1[j] - ms[j]) / r1;
        double e1 = (m2[j] - ms[j]) / r2;
        double d1 = (r2 * e0 - r1 * e1) / (r2 - r1);
        double d2 = 2.0 * (e1 - e0) / (r2 - r1);
        x[j] = base + g * at * phi2 * d1 - at * phi3 * d2;
      }
    }
  }
}
