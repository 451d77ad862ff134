package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FkcResult;
import io.sampleforge.diffusion.continuous.FkcSettings;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.SdeDpmSolverSettings;
import io.sampleforge.diffusion.continuous.SystematicResampling;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The twisted diffusion sampler (TDS; Wu, Trippe, Naesseth, Blei and Cunningham, "Practical and
 * Asymptotically Exact Conditional Sampling in Diffusion Models", NeurIPS 2023, arXiv 2306.17775,
 * algorithm 1): SMC with K particles per measured row whose target is the model's posterior
 * p(x_0 | y) proportional to p_model(x_0) N(y; A x_0, sigma_y^2 I), exact as K grows for any positive
 * twisting functions.
 *
 * <p><b>Twist.</b> At level i (alpha_i, sigma_i), p~_i(y | x) = N(y; A x0_hat(x), S_i), S_i = sigma_y^2 I +
 * r_i^2 A A^T with r_i = c sigma_i / alpha_i (c = {@code smc.twist_scale}): the measurement of x0 ~
 * N(x0_hat, r_i^2 I), the form of Pseudoinverse-guided diffusion (Song, Vahdat, Mardani and Kautz, ICLR
 * 2023); the inflation r_i is this package's choice of the variance TDS leaves open (flat at high
 * noise, the exact likelihood at the clean end, and scaled through A, so a map with large entries is
 * not sharper than the prior at middle noise). {@link TwistCovariance} holds S_i. At the last level the
 * twist is the exact likelihood N(y; A x, sigma_y^2 I) of the state itself.
 *
 * <p><b>Proposal and weights.</b> The model kernel from level s to t is the DDPM ancestral step (=
 * SDE-DPM-Solver++ order 1): N(mu, tau^2 I), mu = (sigma_t / sigma_s) e^{-h} x + alpha_t (1 - e^{-2h})
 * x0_hat, tau^2 = sigma_t^2 (1 - e^{-2h}), h = lambda_t - lambda_s. TDS shifts the proposal's mean by
 * tau^2 g, g = grad_x log p~_s(y | x) = J^T A^T S_s^-1 (y - A x0_hat) (J = d x0_hat / d x, from the {@link
 * DifferentiableDenoiser}), its twisted score. That shift overshoots when the twist is much sharper
 * than the kernel (tau^2 |S_s^-1/2 A J|^2 >> 1: a small sigma_y against the prior's scale), and the
 * particles run off. This sampler damps it by a Gauss-Newton line search along g (this package's
 * choice; the paper's shift is c = 1): the shift is delta = c tau^2 g with c = 1 / (1 + tau^2 g^T H g /
 * |g|^2), H = J^T A^T S_s^-1 A J the twist's Gauss-Newton curvature, which maximises the quadratic model
 * of log kernel + log twist along g (c = 1 when the twist is flat; J g is taken as J^T g, exact for the
 * symmetric Jacobian of an exact denoiser, Tweedie; a wrong c only costs efficiency). The weights stay
 * exact for any shift: with z the step's normal, the incremental log-weight is log p_model / proposal
 * + log p~_t(x') - log p~_s(x) = -(|delta|^2 + 2 tau delta . z) / (2 tau^2) + log p~_t(x') - log
 * p~_s(x). A step to a clean level (sigma_t = 0) is deterministic (x' = x0_hat), not guided, and adds
 * log p(y | x') - log p~_s(x). The weights start at log p~_0(y | x_T).
 *
 * <p><b>SMC (reused from FKC).</b> K particles per measurement, x_T the keyed normals of (measurement
 * id, particle) ({@link GaussianDraws#initialNoise}), step noise {@link GaussianDraws#stepNormals}.
 * Float64 log-weights; after step i a group's ESS is recorded and, by {@link FkcSettings#resamples},
 * it is systematically resampled ({@link SystematicResampling}, uniform keyed by (seed, measurement
 * id, i)) and its log-weights reset; after the last step only when {@code smc.final_resample}. The
 * output is an {@link FkcResult} (groups in the order of the measurements). {@code smc.ess_threshold
 * = 0} never resamples; ignoring the output weights then gives the plain guided sampler (no
 * correction), the biased baseline of the tests.
 *
 * <p><b>Cost.</b> N linearisations (NFE) and 2 N vector-Jacobian products (the twist's gradient and
 * its curvature along it) on G K rows, plus O(m D + m^2) per row and step for the operator and the
 * twist, and O(m^3) per measured row and step to factor a dense map's twist covariance; memory O(G K
 * D). Only the order-1 motion is supported ({@code
 * solver_order} 1).
 */
public record TwistedDiffusionSampler(TimeGrid grid, FkcSettings settings, double twistScale) {
  public TwistedDiffusionSampler {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("smc", "settings are required", null);
    }
    if (settings.motion().order() != 1) {
      throw ConfigException.of("solver_order", "must be 1 for the twisted diffusion sampler (its proposal is the DDPM "
          + "ancestral kernel)", settings.motion().order());
    }
    if (!(twistScale >= 0) || Double.isInfinite(twistScale)) {
      throw ConfigException.of("smc.twist_scale", "must be finite and >= 0", twistScale);
    }
  }

  /** FKC settings with the order-1 motion TDS needs. */
  public static FkcSettings settings(int particles, double essThreshold, boolean finalResample) {
    return new FkcSettings(particles, essThreshold, finalResample,
        new SdeDpmSolverSettings(1, DpmSolverSettings.SolverType.MIDPOINT, true, false));
  }

  /** K particles for each measurement (distinct ids), under the prior's denoiser. */
  public FkcResult sample(DifferentiableDenoiser model, Measurement[] rows, GaussianDraws draws) {
    int k = settings.particles();
    int d = model.dimension();
    int groups = checkRows(rows, d);
    int n = grid.steps();
    int total = groups * k;
    SampleKey[] keys = new SampleKey[total];
    for (int g = 0; g < groups; g++) {
      for (int p = 0; p < k; p++) {
        keys[g * k + p] = new SampleKey(rows[g].id(), p);
      }
    }
    double[] x = draws.initialNoise(keys, d);
    double[] logw = new double[total];
    int[] lineage = new int[total];
    for (int r = 0; r < total; r++) {
      lineage[r] = r % k;
    }
    double[][] ess = new double[groups][n];
    int[] resamplings = new int[groups];
    double[] twist = new double[total];
    double[] grad = new double[total * d];
    double[] curvature = new double[total];
    double[][][] grams = new double[groups][][];
    for (int g = 0; g < groups; g++) {
      grams[g] = TwistCovariance.gram(rows[g].operator());
    }
    double[] data = twist(model, x, rows, grams, grid.level(0), twist, grad, curvature);
    for (int r = 0; r < total; r++) {
      logw[r] = twist[r];
    }
    for (int i = 0; i < n; i++) {
      NoiseLevel s = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      double[] next = new double[total * d];
      if (t.sigma() > 0) {
        double h = t.lambda() - s.lambda();
        double oneMinusE2 = -Math.expm1(-2 * h);
        double cx = (t.sigma() / s.sigma()) * Math.exp(-h);
        double cd = t.alpha() * oneMinusE2;
        double tau2 = t.sigma() * t.sigma() * oneMinusE2;
        double tau = Math.sqrt(tau2);
        double[] z = draws.stepNormals(keys, d, i);
        for (int r = 0; r < total; r++) {
          double gg = 0;
          for (int j = r * d; j < r * d + d; j++) {
            gg += grad[j] * grad[j];
          }
          double shift = gg > 0 ? tau2 / (1 + tau2 * curvature[r] / gg) : 0.0;
          double dd = 0;
          double dz = 0;
          for (int j = r * d; j < r * d + d; j++) {
            double delta = shift * grad[j];
            next[j] = cx * x[j] + cd * data[j] + delta + tau * z[j];
            dd += delta * delta;
            dz += delta * z[j];
          }
          logw[r] += -(dd + 2 * tau * dz) / (2 * tau2);
        }
      } else {
        System.arraycopy(data, 0, next, 0, next.length);
      }
      x = next;
      for (int r = 0; r < total; r++) {
        logw[r] -= twist[r];
      }
      if (i + 1 < n) {
        data = twist(model, x, rows, grams, t, twist, grad, curvature);
      } else {
        exactLikelihood(x, rows, twist);
      }
      for (int r = 0; r < total; r++) {
        logw[r] += twist[r];
      }
      boolean last = i + 1 == n;
      for (int g = 0; g < groups; g++) {
        int from = g * k;
        for (int p = 0; p < k; p++) {
          if (!Double.isFinite(logw[from + p])) {
            throw new IllegalStateException("TDS log-weight of measurement " + rows[g].id() + ", particle " + p + " is "
                + logw[from + p] + " after step " + i);
          }
        }
        double[] w = SystematicResampling.normalise(logw, from, k);
        ess[g][i] = SystematicResampling.effectiveSize(w);
        boolean resample = last ? settings.finalResample() : settings.resamples(ess[g][i]);
        if (resample) {
          int[] parent = SystematicResampling.ancestors(w,
              SystematicResampling.uniform(draws.seed(), rows[g].id(), last ? n : i));
          gather(x, parent, from, d);
          gather(data, parent, from, d);
          gather(grad, parent, from, d);
          gather(twist, parent, from, 1);
          gather(curvature, parent, from, 1);
          int[] lin = Arrays.copyOfRange(lineage, from, from + k);
          for (int p = 0; p < k; p++) {
            lineage[from + p] = lin[parent[p]];
          }
          Arrays.fill(logw, from, from + k, 0.0);
          resamplings[g]++;
        }
      }
    }
    double[] weights = new double[total];
    for (int g = 0; g < groups; g++) {
      System.arraycopy(SystematicResampling.normalise(logw, g * k, k), 0, weights, g * k, k);
    }
    return new FkcResult(x, weights, lineage, ess, resamplings, groups, k, d, n);
  }

  /**
   * Evaluates the twist log p~(y | x) = log N(y; A x0_hat, S) of every row at {@code level} into {@code
   * twist}, its gradient g = J^T A^T S^-1 (y - A x0_hat) into {@code grad} and its Gauss-Newton curvature
   * along g, (A J g)^T S^-1 (A J g), into {@code curvature}; returns x0_hat.
   */
  private double[] twist(DifferentiableDenoiser model, double[] x, Measurement[] rows, double[][][] grams,
      NoiseLevel level, double[] twist, double[] grad, double[] curvature) {
    int k = settings.particles();
    int d = model.dimension();
    int total = x.length / d;
    DifferentiableDenoiser.Linearisation lin = model.linearise(x, total, level);
    double[] data = lin.data();
    double[] u = new double[total * d];
    double r = twistScale * level.sigma() / level.alpha();
    TwistCovariance[] cov = new TwistCovariance[rows.length];
    for (int g = 0; g < rows.length; g++) {
      MeasurementOperator op = rows[g].operator();
      double[] y = rows[g].y();
      int m = op.outputDimension();
      cov[g] = TwistCovariance.of(grams[g], m, op.noiseSigma(), r);
      double[] resid = new double[m];
      for (int p = 0; p < k; p++) {
        int row = g * k + p;
        op.apply(data, row * d, resid, 0);
        for (int i = 0; i < m; i++) {
          resid[i] = y[i] - resid[i];
        }
        double[] solved = cov[g].solve(resid);
        twist[row] = cov[g].logDensity(resid, solved);
        op.adjoint(solved, 0, u, row * d);
      }
    }
    lin.vectorJacobianProduct(u, grad);
    double[] jg = new double[total * d];
    lin.vectorJacobianProduct(grad, jg);
    for (int g = 0; g < rows.length; g++) {
      MeasurementOperator op = rows[g].operator();
      double[] ajg = new double[op.outputDimension()];
      for (int p = 0; p < k; p++) {
        int row = g * k + p;
        op.apply(jg, row * d, ajg, 0);
        curvature[row] = cov[g].quadratic(ajg);
      }
    }
    return data.clone();
  }

  private void exactLikelihood(double[] x, Measurement[] rows, double[] out) {
    int k = settings.particles();
    int d = rows[0].dimension();
    for (int g = 0; g < rows.length; g++) {
      double[] y = rows[g].y();
      for (int p = 0; p < k; p++) {
        out[g * k + p] = rows[g].operator().logLikelihood(y, 0, x, (g * k + p) * d);
      }
    }
  }

  private static void gather(double[] a, int[] parent, int from, int width) {
    int k = parent.length;
    double[] old = Arrays.copyOfRange(a, from * width, (from + k) * width);
    for (int p = 0; p < k; p++) {
      System.arraycopy(old, parent[p] * width, a, (from + p) * width, width);
    }
  }

  private static int checkRows(Measurement[] rows, int d) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("TDS needs at least one measurement");
    }
    Set<Long> seen = new HashSet<>();
    for (Measurement m : rows) {
      if (!seen.add(m.id())) {
        throw new IllegalArgumentException("measurement id " + m.id() + " appears twice: its groups would share every draw");
      }
      if (m.dimension() != d) {
        throw ConfigException.of("measurement", "operator input dimension must equal the prior's dimension " + d, m.dimension());
      }
      if (!(m.operator().noiseSigma() > 0)) {
        throw ConfigException.of("measurement.sigma_y", "must be > 0 for TDS (its weights need the likelihood's density)",
            m.operator().noiseSigma());
      }
    }
    return rows.length;
  }
}
