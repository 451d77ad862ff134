package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * DDIM (Song, Meng and Ermon 2021) as diffusers' {@code DDIMScheduler.step}: x0 and eps from the
 * model output, x0 dynamically thresholded if {@code thresholding} ({@link DynamicThresholding}), else
 * clamped if {@code clip_sample} (eps stays the model's either way: {@code use_clipped_model_output =
 * false}), s = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 -
 * abar_t / abar_prev), x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - s^2) eps + s z with z the
 * keyed normal of (sample, step). eta = 0 is the deterministic first-order ODE step (= DPM-Solver-1).
 * The radicand is clamped at 0. Cost: N model calls, O(rows D) per step besides the model (O(rows D log D)
 * with thresholding).
 */
public record DdimSolver(DdimPlan plan, DdimSettings settings) implements GaussianSolver {
  public DdimSolver {
    if (plan == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("ddim", "settings are required", null);
    }
  }

  @Override
  public int modelCalls() {
    return plan.steps().size();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    int d = model.dimension();
    int rows = keys.length;
    double[] x = xT.clone();
    double[] x0 = new double[x.length];
    double[] eps = new double[x.length];
    double[] z = new double[x.length];
    double range = settings.clipSampleRange();
    boolean clip = settings.clipSample() && !settings.thresholding().enabled();
    for (int i = 0; i < plan.steps().size(); i++) {
      DdimPlan.Step st = plan.steps().get(i);
      ModelEvaluation.call(model, x, rows, st.from(), i, x0, eps);
      settings.thresholding().apply(x0, d);
      double at = st.from().alpha();
      double st2 = st.from().sigma() * st.from().sigma();
      double ap = st.to().alpha();
      double sp2 = st.to().sigma() * st.to().sigma();
      double variance = (sp2 / st2) * (1 - (at * at) / (ap * ap));
      double std = settings.eta() * Math.sqrt(Math.max(0, variance));
      double dir = Math.sqrt(Math.max(0, sp2 - std * std));
      if (std > 0) {
        draws.normals(keys, d, i, GaussianDraws.Kind.STEP_NOISE, z);
      }
      for (int j = 0; j < x.length; j++) {
        double c = clip ? Math.max(-range, Math.min(range, x0[j])) : x0[j];
        x[j] = ap * c + dir * eps[j] + (std > 0 ? std * z[j] : 0);
      }
    }
    return new SampleBatch(x, rows, d, plan.steps().size());
  }
}
