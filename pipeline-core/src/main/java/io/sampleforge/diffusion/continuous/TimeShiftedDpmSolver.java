package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;

/**
 * The time-shift sampler TS-DPM (Li et al., "Alleviating Exposure Bias in Diffusion Models through Sampling with
 * Shifted Time Steps", ICLR 2024) in its DPM-Solver form, as Mingxiao-Li/TS-DPM's {@code sampler/dpm_solver.py}
 * runs it (commit 146954fc; {@code dpm_solver_utils.py::DPM_Solver.sample(method='multistep')} with
 * {@code apply_time_shift}; read, not copied): the noise-prediction multistep DPM-Solver ({@link DpmSolverPlusPlus}
 * with {@link DpmAlgorithm#NOISE_PREDICTION}) whose update targets move per row.
 * <ul>
 *   <li>The first {@code order - 1} updates (the warm-up) go to the grid's levels, unshifted.</li>
 *   <li>Every later update i -> i + 1: let t = floor(model time of grid level i + 1). If t > cutoff, row r's target
 *       is the training timestep t' in [max(0, t - w), min(T - 1, t + w)] whose 1 - alpha_bar_t' is nearest the
 *       unbiased variance of the row's newest noise prediction (ties to the smallest t'); otherwise it is t itself
 *       (the integer, as the reference truncates the time even when it does not shift).</li>
 *   <li>The update uses the row's own levels: its target, and the levels of its earlier model calls (each a
 *       previous target), so lambda, h, r0, r1 and every coefficient are per row. The model is then called there,
 *       at the row's level (model time t').</li>
 *   <li>Orders: {@link StepOrders} with the settings' rule. The reference's rule (min(order, N + 1 - step) for
 *       N < 15) equals the {@code diffusers} rule on a grid that does not end clean.</li>
 * </ul>
 * The reference uses order 2, {@code time_uniform} steps, {@code lower_order_final}, and halves its
 * {@code --window_size} (w = window_size // 2; {@link TimeShiftSettings#window} is w). Differences: the reference's
 * window branch for t + w + 1 >= T reads an attribute its solver lacks and fails; here the window is clipped to
 * T - 1. A window so wide that a row's target could reach its current level or pass it (h <= 0) is refused
 * ({@code time_shift.window}). Refused with it: a grid ending at sigma 0 (as the noise form), rows of dimension 1
 * (no variance), zero-terminal-SNR schedules. Cost: N model calls (per-row levels, one call per step) plus
 * O(order rows D + rows (D + w)) per step.
 */
public record TimeShiftedDpmSolver(TimeGrid grid, DpmSolverSettings settings, DiscreteVpSchedule schedule,
    TimeShiftSettings shift) implements GaussianSolver {
  public TimeShiftedDpmSolver {
    if (grid == null || settings == null || schedule == null || shift == null) {
      throw ConfigException.of("time_shift", "needs a grid, DPM-Solver settings, a discrete schedule and settings", null);
    }
    new DpmSolverPlusPlus(grid, settings, DpmAlgorithm.NOISE_PREDICTION); // validates steps, orders, the end
    if (schedule.rescaleZeroSnr()) {
      throw ConfigException.of("time_shift/schedule.rescale_betas_zero_snr", "do not combine (TS-DPM's reference has no "
          + "zero-terminal-SNR schedule)", true);
    }
    int w = shift.window();
    for (int i = Math.max(0, settings.order() - 1); i < grid.steps(); i++) {
      int next = timestep(schedule, grid.level(i + 1));
      if (next <= shift.cutoff()) {
        continue;
      }
      boolean prevShifted = i >= settings.order() && timestep(schedule, grid.level(i)) > shift.cutoff();
      int lowestNow = (int) Math.floor(grid.level(i).modelTime()) - (prevShifted ? w : 0);
      if (lowestNow <= next + w) {
        throw ConfigException.of("time_shift.window", "must keep each shifted target below every row's current "
            + "timestep: step " + i + " goes from timestep " + (int) Math.floor(grid.level(i).modelTime()) + " to "
            + next + ", so w must be < " + (prevShifted ? "half " : "") + "that gap", w);
      }
    }
  }

  private static int timestep(DiscreteVpSchedule schedule, NoiseLevel level) {
    double m = level.modelTime();
    if (!(m >= 0 && m < schedule.trainSteps())) {
      throw ConfigException.of("time_shift", "needs grid levels at training timesteps in [0, " + schedule.trainSteps()
          + "); model time", m);
    }
    return (int) Math.floor(m);
  }

  /** The order of each step. */
  public int[] orders() {
    return StepOrders.of(settings, grid.steps(), grid.endsClean());
  }

  @Override
  public int modelCalls() {
    return grid.steps();
  }

  @Override
  public SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws) {
    ModelEvaluation.checkInput(model, xT, keys);
    int d = model.dimension();
    if (d < 2) {
      throw ConfigException.of("time_shift", "needs rows of dimension >= 2 (it matches the variance over a row's "
          + "coordinates)", d);
    }
    int rows = keys.length;
    int order = settings.order();
    int[] orders = orders();
    double[] x = xT.clone();
    NoiseLevel[] cur = new NoiseLevel[rows];
    Arrays.fill(cur, grid.level(0));
    double[][] eps = new double[order][];
    NoiseLevel[][] at = new NoiseLevel[order][];
    int kept = 0;
    double[] x0 = new double[x.length];
    for (int i = 0; i < grid.steps(); i++) {
      double[] e = new double[x.length];
      predict(model, x, cur, i, e, x0);
      for (int k = Math.min(kept, order - 1); k > 0; k--) {
        eps[k] = eps[k - 1];
        at[k] = at[k - 1];
      }
      eps[0] = e;
      at[0] = cur;
      kept = Math.min(kept + 1, order);
      NoiseLevel[] target = targets(i, e, rows, d);
      x = step(x, eps, at, target, orders[i], d);
      cur = target;
    }
    return new SampleBatch(x, rows, d, grid.steps());
  }

  /** The level each row's update i goes to. */
  private NoiseLevel[] targets(int i, double[] newest, int rows, int d) {
    NoiseLevel[] target = new NoiseLevel[rows];
    if (i + 1 < settings.order()) {
      Arrays.fill(target, grid.level(i + 1));
      return target;
    }
    int t = timestep(schedule, grid.level(i + 1));
    for (int r = 0; r < rows; r++) {
      int shifted = t > shift.cutoff() ? TimeShiftDenoiser.matchVariance(schedule, shift.window(), newest, r * d, d, t)
          : t;
      target[r] = schedule.level(shifted);
    }
    return target;
  }

  /** One model call at each row's level, as noise predictions (thresholded as the noise-form DPM-Solver). */
  private void predict(Denoiser model, double[] x, NoiseLevel[] levels, int step, double[] eps, double[] x0) {
    int d = model.dimension();
    double[] out = new double[x.length];
    model.predict(x, levels, out);
    PredictionType type = model.predictionType();
    for (int j = 0; j < x.length; j++) {
      NoiseLevel l = levels[j / d];
      double p = out[j];
      if (!Double.isFinite(p)) {
        throw new NonFiniteOutputException(j / d, j % d, step, l, p);
      }
      eps[j] = type.toNoise(p, x[j], l.alpha(), l.sigma());
      x0[j] = type.toData(p, x[j], l.alpha(), l.sigma());
    }
    if (settings.thresholding().enabled()) {
      settings.thresholding().apply(x0, d);
      for (int j = 0; j < x.length; j++) {
        NoiseLevel l = levels[j / d];
        eps[j] = (x[j] - l.alpha() * x0[j]) / l.sigma();
      }
    }
  }

  /** The noise-form DPM-Solver update of the given order, row by row with each row's own levels. */
  private double[] step(double[] x, double[][] eps, NoiseLevel[][] at, NoiseLevel[] target, int order, int d) {
    double[] out = new double[x.length];
    boolean midpoint = settings.solverType() == DpmSolverSettings.SolverType.MIDPOINT;
    for (int r = 0; r < target.length; r++) {
      NoiseLevel s0 = at[0][r];
      NoiseLevel t = target[r];
      double h = t.lambda() - s0.lambda();
      double phi1 = Math.expm1(h);
      double ratio = t.alpha() / s0.alpha();
      double st = t.sigma();
      double phi2 = phi1 / h - 1.0;
      double r0 = order >= 2 ? (s0.lambda() - at[1][r].lambda()) / h : Double.NaN;
      double r1 = order >= 3 ? (at[1][r].lambda() - at[2][r].lambda()) / h : Double.NaN;
      double phi3 = phi2 / h - 0.5;
      for (int j = r * d; j < r * d + d; j++) {
        double v = ratio * x[j] - st * phi1 * eps[0][j];
        if (order == 2) {
          double d1 = (eps[0][j] - eps[1][j]) / r0;
          v += midpoint ? -0.5 * st * phi1 * d1 : -st * phi2 * d1;
        } else if (order == 3) {
          double d10 = (eps[0][j] - eps[1][j]) / r0;
          double d11 = (eps[1][j] - eps[2][j]) / r1;
          double d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
          double d2 = (d10 - d11) / (r0 + r1);
          v = v + -st * phi2 * d1 - st * phi3 * d2;
        }
        out[j] = v;
      }
    }
    return out;
  }
}
