package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Euler and Heun on the EDM probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma (Karras et al.
 * 2022, arXiv 2206.00364, algorithm 1), as diffusers' {@code EulerDiscreteScheduler.step} /
 * {@code HeunDiscreteScheduler.step} run a VP model, and with churn ({@link EdmChurn}, s_churn > 0) the
 * stochastic sampler. The state is diffusers' VE-scaled x = x_vp / alpha = x_vp sqrt(sigma^2 + 1),
 * sigma = sigma_vp / alpha = sqrt((1 - alpha_bar) / alpha_bar). At a level the VP model is called on
 * x_vp = x / sqrt(sigma^2 + 1) (diffusers' {@code scale_model_input}) with the grid's {@link NoiseLevel}
 * (its alpha, sigma_vp and model time), and its output is turned into D = x0 ({@link PredictionType#toData};
 * for eps this is x - sigma eps, diffusers' formula). Steps, from sigma to sigma' (levels i, i + 1 of the grid):
 * <ul>
 *   <li>Euler: d = (x - D(x; sigma)) / sigma, x' = x + (sigma' - sigma) d;</li>
 *   <li>Heun: the Euler x', then, unless sigma' = 0, d' = (x' - D(x'; sigma')) / sigma' and
 *       x' = x + (sigma' - sigma) (d + d') / 2. A last step onto sigma = 0 is Euler, so a grid ending
 *       clean costs 2N - 1 model calls (as diffusers' 2N - 1 timesteps), otherwise 2N.</li>
 * </ul>
 * Churn, at a step whose gamma = {@link EdmChurn#gamma}(sigma, N) is > 0: sigma_hat = sigma (1 + gamma) and
 * x_hat = x + s_noise z sqrt(sigma_hat^2 - sigma^2), z the keyed normal of (step i, coordinate, STEP_NOISE)
 * ({@link GaussianDraws}), so a sample never depends on its batch. Then
 * <ul>
 *   <li>Euler follows diffusers' {@code EulerDiscreteScheduler.step} exactly: the model is called at the grid
 *       level on the un-churned x (the pipeline calls it before {@code step} adds the noise), D is formed from
 *       its output with the churned x_hat and sigma_hat as diffusers does (eps: D = x_hat - sigma_hat eps;
 *       sample: D = x0; v: D = x0 + (x_hat - x) / (sigma^2 + 1)), and x' = x_hat + (sigma' - sigma_hat)
 *       (x_hat - D) / sigma_hat;</li>
 *   <li>Heun is the paper's algorithm 2: the Heun step above from (x_hat, sigma_hat), with the first model
 *       call at x_hat and sigma_hat (model time by {@link SigmaModelTime}).</li>
 * </ul>
 * x_T enters as the VP draw at level 0 and is scaled by sqrt(sigma_0^2 + 1) (diffusers scales its
 * noise by {@code init_noise_sigma}, which for Heun and linspace/trailing spacing is sigma_max, not
 * sqrt(sigma_max^2 + 1); not followed). The result is returned in VP scale x_vp = alpha x (diffusers
 * returns the VE-scaled x; both equal x0 on a grid ending at sigma = 0). Euler without churn is
 * mathematically first-order DPM-Solver++ (= DDIM) on the same grid. Cost: N (Euler) or up to 2N (Heun)
 * model calls, O(rows D) per step (plus D keyed normals per row at a churned step).
 *
 * @param sigmaTime the model time of sigma_hat (used by Heun with churn only)
 */
public record EdmSolver(TimeGrid grid, EdmSettings settings, SigmaModelTime sigmaTime) implements GaussianSolver {
  public EdmSolver {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("edm", "settings are required", null);
    }
    if (sigmaTime == null) {
      sigmaTime = SigmaModelTime.alongGrid(grid);
    }
  }

  /** A solver whose off-grid model times are interpolated along the grid ({@link SigmaModelTime#alongGrid}). */
  public EdmSolver(TimeGrid grid, EdmSettings settings) {
    this(grid, settings, null);
  }

  @Override
  public int modelCalls() {
    if (settings.method() == EdmSettings.Method.EULER) {
      return grid.steps();
    }
    return 2 * grid.steps() - (grid.endsClean() ? 1 : 0);
  }

  /** The VE sigma of a VP level. */
  static double veSigma(NoiseLevel l) {
    return l.sigma() / l.alpha();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    return run(model, xT, keys.length, StepNoise.keyed(draws, keys, model.dimension()));
  }

  /** The run with the churn noise taken from {@code noise} (tests inject a reference's noise). */
  SampleBatch run(Denoiser model, double[] xT, int rows, StepNoise noise) {
    int n = xT.length;
    boolean heun = settings.method() == EdmSettings.Method.HEUN;
    EdmChurn churn = settings.churn();
    PredictionType type = model.predictionType();
    double[] x = new double[n];
    double a0 = grid.level(0).alpha();
    for (int j = 0; j < n; j++) {
      x[j] = xT[j] / a0;
    }
    double[] in = new double[n];
    double[] x0 = new double[n];
    double[] eps = new double[n];
    double[] d = new double[n];
    double[] next = new double[n];
    double[] churned = new double[n];
    double[] z = new double[n];
    int calls = 0;
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel from = grid.level(i);
      NoiseLevel to = grid.level(i + 1);
      double s = veSigma(from);
      double sn = veSigma(to);
      double gamma = churn.gamma(s, grid.steps());
      double sh = s;
      double[] xh = x;
      NoiseLevel at = from;
      if (gamma > 0) {
        sh = s * (gamma + 1);
        double scale = churn.sNoise() * Math.sqrt(sh * sh - s * s);
        noise.fill(i, z);
        for (int j = 0; j < n; j++) {
          churned[j] = x[j] + z[j] * scale;
        }
        xh = churned;
        if (heun) {
          at = sigmaTime.level(sh);
        }
      }
      double dt = sn - sh;
      double[] callAt = heun ? xh : x; // diffusers' Euler calls the model before it churns
      for (int j = 0; j < n; j++) {
        in[j] = callAt[j] * at.alpha();
      }
      boolean diffusersEuler = gamma > 0 && !heun;
      ModelEvaluation.call(model, in, rows, at, calls++, x0, diffusersEuler ? eps : null);
      if (diffusersEuler) {
        diffusersData(type, x, xh, s, sh, x0, eps);
      }
      for (int j = 0; j < n; j++) {
        d[j] = (xh[j] - x0[j]) / sh;
        next[j] = xh[j] + dt * d[j];
      }
      if (heun && to.sigma() > 0) {
        for (int j = 0; j < n; j++) {
          in[j] = next[j] * to.alpha();
        }
        ModelEvaluation.call(model, in, rows, to, calls++, x0, null);
        for (int j = 0; j < n; j++) {
          double d2 = (next[j] - x0[j]) / sn;
          next[j] = xh[j] + dt * 0.5 * (d[j] + d2);
        }
      }
      double[] tmp = x;
      x = next;
      next = tmp;
    }
    double aN = grid.level(grid.steps()).alpha();
    for (int j = 0; j < n; j++) {
      x[j] *= aN;
    }
    return new SampleBatch(x, rows, model.dimension(), calls);
  }

  /**
   * Overwrites x0 with the D diffusers' {@code EulerDiscreteScheduler.step} forms after churn from the model's
   * output at the un-churned x (VE units): eps gives x_hat - sigma_hat eps, sample gives x0 unchanged, v gives
   * -sigma / sqrt(sigma^2 + 1) v + x_hat / (sigma^2 + 1) = x0 + (x_hat - x) / (sigma^2 + 1).
   */
  private static void diffusersData(PredictionType type, double[] x, double[] xh, double s, double sh, double[] x0,
      double[] eps) {
    switch (type) {
      case EPSILON -> {
        for (int j = 0; j < x0.length; j++) {
          x0[j] = xh[j] - sh * eps[j];
        }
      }
      case SAMPLE -> { }
      case V -> {
        double c = 1.0 / (s * s + 1.0);
        for (int j = 0; j < x0.length; j++) {
          x0[j] += (xh[j] - x[j]) * c;
        }
      }
    }
  }
}
