package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * One model call at one level for every row, converted to the data prediction x0 (and, when asked,
 * the noise prediction eps) in float64. A non-finite output fails with the row and step named.
 */
final class ModelEvaluation {
  private ModelEvaluation() {}

  static void call(Denoiser model, double[] x, int rows, NoiseLevel level, int step, double[] x0, double[] eps) {
    int d = model.dimension();
    NoiseLevel[] levels = new NoiseLevel[rows];
    Arrays.fill(levels, level);
    double[] out = new double[x.length];
    model.predict(x, levels, out);
    PredictionType type = model.predictionType();
    if (level.alpha() == 0 && type == PredictionType.EPSILON) {
      throw ConfigException.of("schedule.rescale_betas_zero_snr", "puts the first DDIM step at zero SNR (alpha 0), where "
          + "an epsilon prediction gives no x0: use a v_prediction or sample model, or leading spacing (step " + step
          + ", timestep " + level.modelTime() + ")", true);
    }
    for (int j = 0; j < x.length; j++) {
      double p = out[j];
      if (!Double.isFinite(p)) {
        throw new NonFiniteOutputException(j / d, j % d, step, level, p);
      }
      x0[j] = type.toData(p, x[j], level.alpha(), level.sigma());
      if (eps != null) {
        eps[j] = type.toNoise(p, x[j], level.alpha(), level.sigma());
      }
    }
  }

  static void checkInput(Denoiser model, double[] xT, SampleKey[] keys) {
    if (keys == null || xT == null || xT.length != keys.length * model.dimension()) {
      throw new IllegalArgumentException("x_T holds " + (xT == null ? null : xT.length) + " values; expected rows "
          + (keys == null ? null : keys.length) + " x D " + model.dimension());
    }
  }
}
