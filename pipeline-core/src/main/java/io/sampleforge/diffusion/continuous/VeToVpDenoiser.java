package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Presents a native {@link VeDenoiser} to the VP solvers (every {@link GaussianSolver}, on any grid of
 * {@link EdmVeSchedule} levels or any other VP grid): at a VP level (alpha, sigma_vp) with x_vp = alpha x0 +
 * sigma_vp eps, the VE sigma is s = sigma_vp / alpha and the VE input x = x_vp / alpha = x0 + s eps (Karras
 * et al. 2022, arXiv 2206.00364, section 4: the VP ODE is the VE one after scaling by s(t) = alpha). The
 * prediction passes through unchanged: D(x; s) is the x0 of both parametrisations, and eps = (x - D) / s =
 * (x_vp - alpha D) / sigma_vp is the VP eps, so this denoiser declares the wrapped model's type. v-prediction
 * has no VE meaning and is refused. The model time of the level is not used (s is recomputed from alpha and
 * sigma_vp; on {@link EdmVeSchedule} grids it equals the model time to rounding). Cost: one wrapped call and
 * O(rows D) per call.
 */
public final class VeToVpDenoiser implements Denoiser {
  private final VeDenoiser model;

  public VeToVpDenoiser(VeDenoiser model) {
    if (model == null) {
      throw ConfigException.of("model", "is required", null);
    }
    PredictionType t = model.predictionType();
    if (t != PredictionType.SAMPLE && t != PredictionType.EPSILON) {
      throw ConfigException.of("prediction_type", "must be sample or epsilon for a VE / EDM model", t == null ? null
          : t.id());
    }
    this.model = model;
  }

  /** The wrapped native model. */
  public VeDenoiser model() {
    return model;
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public PredictionType predictionType() {
    return model.predictionType();
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    int d = model.dimension();
    if (x.length != levels.length * d || out.length != x.length) {
      throw new IllegalArgumentException("x holds " + x.length + " values, expected rows " + levels.length + " x D " + d);
    }
    double[] xVe = new double[x.length];
    double[] sigmas = new double[levels.length];
    for (int r = 0; r < levels.length; r++) {
      double a = levels[r].alpha();
      sigmas[r] = levels[r].sigma() / a;
      for (int j = r * d; j < r * d + d; j++) {
        xVe[j] = x[j] / a;
      }
    }
    model.predict(xVe, sigmas, out);
  }
}
