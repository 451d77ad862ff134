package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Euler and Heun on the EDM probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma (Karras et al.
 * 2022, arXiv 2206.00364, algorithm 1, deterministic: S_churn = 0), as diffusers'
 * {@code EulerDiscreteScheduler.step} / {@code HeunDiscreteScheduler.step} run a VP model. The state is
 * diffusers' VE-scaled x = x_vp / alpha = x_vp sqrt(sigma^2 + 1), sigma = sigma_vp / alpha =
 * sqrt((1 - alpha_bar) / alpha_bar). At a level the VP model is called on x_vp = x / sqrt(sigma^2 + 1)
 * (diffusers' {@code scale_model_input}) with the grid's {@link NoiseLevel} (its alpha, sigma_vp and
 * model time), and its output is turned into D = x0 ({@link PredictionType#toData}; for eps this is
 * x - sigma eps, diffusers' formula). Steps, from sigma to sigma' (levels i, i + 1 of the grid):
 * <ul>
 *   <li>Euler: d = (x - D(x; sigma)) / sigma, x' = x + (sigma' - sigma) d;</li>
 *   <li>Heun: the Euler x', then, unless sigma' = 0, d' = (x' - D(x'; sigma')) / sigma' and
 *       x' = x + (sigma' - sigma) (d + d') / 2. A last step onto sigma = 0 is Euler, so a grid ending
 *       clean costs 2N - 1 model calls (as diffusers' 2N - 1 timesteps), otherwise 2N.</li>
 * </ul>
 * x_T enters as the VP draw at level 0 and is scaled by sqrt(sigma_0^2 + 1) (diffusers scales its
 * noise by {@code init_noise_sigma}, which for Heun and linspace/trailing spacing is sigma_max, not
 * sqrt(sigma_max^2 + 1); not followed). The result is returned in VP scale x_vp = alpha x (diffusers
 * returns the VE-scaled x; both equal x0 on a grid ending at sigma = 0). Euler is mathematically
 * first-order DPM-Solver++ (= DDIM) on the same grid. Cost: N (Euler) or up to 2N (Heun) model calls,
 * O(rows D) per step.
 */
public record EdmSolver(TimeGrid grid, EdmSettings settings) implements GaussianSolver {
  public EdmSolver {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("edm", "settings are required", null);
    }
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
    int rows = keys.length;
    int n = xT.length;
    boolean heun = settings.method() == EdmSettings.Method.HEUN;
    double[] x = new double[n];
    double a0 = grid.level(0).alpha();
    for (int j = 0; j < n; j++) {
      x[j] = xT[j] / a0;
    }
    double[] in = new double[n];
    double[] x0 = new double[n];
    double[] d = new double[n];
    double[] next = new double[n];
    int calls = 0;
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel from = grid.level(i);
      NoiseLevel to = grid.level(i + 1);
      double s = veSigma(from);
      double sn = veSigma(to);
      double dt = sn - s;
      for (int j = 0; j < n; j++) {
        in[j] = x[j] * from.alpha();
      }
      ModelEvaluation.call(model, in, rows, from, calls++, x0, null);
      for (int j = 0; j < n; j++) {
        d[j] = (x[j] - x0[j]) / s;
        next[j] = x[j] + dt * d[j];
      }
      if (heun && to.sigma() > 0) {
        for (int j = 0; j < n; j++) {
          in[j] = next[j] * to.alpha();
        }
        ModelEvaluation.call(model, in, rows, to, calls++, x0, null);
        for (int j = 0; j < n; j++) {
          double d2 = (next[j] - x0[j]) / sn;
          next[j] = x[j] + dt * 0.5 * (d[j] + d2);
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
}
