package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * iPNDM, the "improved PNDM" multistep of DEIS (Zhang and Chen 2022, arXiv 2204.13902, section 4 and
 * appendix), as diffusers' {@code IPNDMScheduler}. Each step forms the noise prediction e_i at level i and
 * combines the last up to four with the Adams-Bashforth weights, warming up with lower orders:
 * E = e0; (3 e0 - e1) / 2; (23 e0 - 16 e1 + 5 e2) / 12; (55 e0 - 59 e1 + 37 e2 - 9 e3) / 24 (newest first).
 * The step is DDIM's with E: x0 = (x - sigma_s E) / max(alpha_s, 1e-8), x_t = alpha_t x0 + sigma_t E.
 *
 * <p>diffusers reads the model output as a v prediction and forms sigma x + alpha v, which is the noise
 * prediction; here e_i is the noise prediction of the model's declared type ({@link PredictionType#toNoise}),
 * the same number for a v model (and for a sample model). Its grid ({@link #diffusersGrid}) is its own:
 * s_i = 1 - i / N (i = 0 .. N - 1) and s_N = 0, sigma = sin(pi s / 2)^2, alpha = sqrt(1 - sigma^2), and the
 * model time atan2(sigma, alpha) * 2 / pi in (0, 1]. The first level is pure noise (alpha 0): there the noise
 * prediction is x itself whatever the model returns (diffusers' value for any v model), and the first step
 * is x_1 = sigma_1 x_T. The model is called at levels 0 .. N - 1: N calls. Cost: N model calls plus
 * O(4 rows D) per step; four arrays of history.
 */
public record Ipndm(TimeGrid grid, IpndmSettings settings) implements GaussianSolver {
  /** The Adams-Bashforth weights of orders 1 .. 4, newest prediction first, over their denominators. */
  private static final double[][] WEIGHTS = {
      {1.0},
      {3.0 / 2, -1.0 / 2},
      {23.0 / 12, -16.0 / 12, 5.0 / 12},
      {55.0 / 24, -59.0 / 24, 37.0 / 24, -9.0 / 24}};

  public Ipndm {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("ipndm", "settings are required", null);
    }
  }

  /** diffusers' {@code IPNDMScheduler.set_timesteps(steps)} grid (without {@code trained_betas}). */
  public static TimeGrid diffusersGrid(int steps) {
    if (steps < 1) {
      throw ConfigException.of("steps", "must be >= 1", steps);
    }
    NoiseLevel[] levels = new NoiseLevel[steps + 1];
    for (int i = 0; i < steps; i++) {
      double s = 1.0 - (double) i / steps;
      double sin = Math.sin(s * Math.PI / 2);
      double sigma = sin * sin;
      double alpha = Math.sqrt(1.0 - sigma * sigma);
      levels[i] = new NoiseLevel(Math.atan2(sigma, alpha) / Math.PI * 2, alpha, sigma);
    }
    levels[steps] = NoiseLevel.clean();
    return new TimeGrid(levels);
  }

  /** The order of each step: min(4, i + 1). */
  public int[] orders() {
    int[] o = new int[grid.steps()];
    for (int i = 0; i < o.length; i++) {
      o[i] = Math.min(4, i + 1);
    }
    return o;
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
    double[] x = xT.clone();
    double[] x0 = new double[x.length];
    double[][] hist = new double[4][];
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s = grid.level(i);
      double[] eps = new double[x.length];
      if (s.alpha() == 0) {
        callAtPureNoise(model, x, rows, s, i, eps);
      } else {
        ModelEvaluation.call(model, x, rows, s, i, x0, eps);
      }
      System.arraycopy(hist, 0, hist, 1, 3);
      hist[0] = eps;
      x = step(x, hist, Math.min(4, i + 1), s, grid.level(i + 1));
    }
    return new SampleBatch(x, rows, d, grid.steps());
  }

  /**
   * The call at a pure-noise level (alpha 0, sigma 1): x is the noise itself, so the noise prediction is x
   * (diffusers: sigma x + alpha v = x), whatever the model's type; its output is only checked to be finite.
   */
  private static void callAtPureNoise(Denoiser model, double[] x, int rows, NoiseLevel s, int step, double[] eps) {
    NoiseLevel[] levels = new NoiseLevel[rows];
    java.util.Arrays.fill(levels, s);
    double[] out = new double[x.length];
    model.predict(x, levels, out);
    int d = model.dimension();
    for (int j = 0; j < x.length; j++) {
      if (!Double.isFinite(out[j])) {
        throw new NonFiniteOutputException(j / d, j % d, step, s, out[j]);
      }
      eps[j] = x[j];
    }
  }

  /** One update of the given order from level s to level t; {@code hist} holds noise predictions, newest first. */
  static double[] step(double[] x, double[][] hist, int order, NoiseLevel s, NoiseLevel t) {
    double[] w = WEIGHTS[order - 1];
    double as = Math.max(s.alpha(), 1e-8);
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double e = 0;
      for (int k = 0; k < order; k++) {
        e += w[k] * hist[k][j];
      }
      double pred = (x[j] - s.sigma() * e) / as;
      out[j] = t.alpha() * pred + t.sigma() * e;
    }
    return out;
  }
}
