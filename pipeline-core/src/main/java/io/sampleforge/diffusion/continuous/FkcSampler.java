package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Feynman-Kac corrector (FKC) SMC over a {@link TimeGrid} (Skreta, Akhound-Sadegh, Ohanesian,
 * Bondesan, Aspuru-Guzik, Doucet, Brekelmans, Tong and Neklyudov, "Feynman-Kac Correctors in
 * Diffusion: Annealing, Guidance, and Product of Experts", ICML 2025, arXiv 2503.02819; reference code
 * martaskrt/fkc-diffusion, {@code edm_sampler_new}). It draws from a {@link ProductOfExperts}
 * pi proportional to prod_m p_m^{b_m}, which no single reverse SDE of the experts' scores samples.
 *
 * <p><b>SDE and weights.</b> The forward VP process dx = f x dt + g dW has f = d log(alpha)/dt and
 * g^2 = -2 d log(alpha)/dt. The particles follow the paper's target-score reverse SDE: drift
 * -f x + g^2 s with s = sum_m b_m grad log p^m_t (the score of pi_t = prod_m (p^m_t)^{b_m}) and the
 * full noise g. Writing the experts' Fokker-Planck equations for log pi_t and subtracting the
 * generator of this SDE applied to pi_t gives the Feynman-Kac potential (the divergence terms cancel,
 * so no divergence hook is needed; this is the product and geometric-average results of the paper's
 * section 3, re-derived here for any exponents):
 * <pre>
 *   d log w = (g^2 / 2) (|s|^2 - sum_m b_m |s_m|^2) d tau + const(tau)
 * </pre>
 * (tau the reverse time; the constant (B - 1) f D drops out of normalised weights). For p_1 p_2 the
 * bracket is 2 s_1 . s_2; for CFG it is b (b - 1) |s_c - s_u|^2, the reference code's increment
 * (there with g^2 = 2 sigma on the EDM grid). Over a step, the integral of g^2 / 2 is
 * log(alpha_{i+1} / alpha_i), so step i adds (log alpha_{i+1} - log alpha_i) times the trapezoid mean of
 * Q = |s|^2 - sum b_m |s_m|^2 at x_i and x_{i+1} (Q at x_{i+1} comes with the next level's model calls;
 * the last step uses Q(x_{N-1}) alone, avoiding extra calls at the final level).
 *
 * <p><b>Motion.</b> Each step is one SDE-DPM-Solver++ step ({@link SdeDpmSolverPlusPlus}, order 1 or 2M
 * with diffusers' order schedule) with the combined data prediction D = (x + sigma^2 s) / alpha: the
 * exact solution of the target-score SDE for D frozen over the step (order 1) or linearly extrapolated
 * in lambda (2M). With one expert of exponent 1 the run is exactly {@link SdeDpmSolverPlusPlus}.
 *
 * <p><b>SMC.</b> K particles per group (one request). Start: x_T = z / sqrt(B), z the keyed normal of
 * (group key, particle) ({@link GaussianDraws}), i.e. pi_T = prod N(0, I)^{b_m} normalised, exact when
 * the first level carries no signal (error O(alpha_0)). Log-weights are float64 and start at 0. After
 * step i's weights are complete the group's ESS = 1 / sum w^2 is recorded and, when ESS < threshold K
 * (or the threshold is 1), the group is systematically resampled ({@link SystematicResampling}, uniform
 * keyed by (seed, group key, i)) and its log-weights reset to 0; a resampled particle keeps the lineage
 * id (initial particle index) and the 2M history of its parent. No resampling follows the last step
 * unless {@link FkcSettings#finalResample} asks for it (uniform index N). Step noise is keyed by
 * (group key, particle index, step), so a group's output never depends on the other groups of its
 * batch.
 *
 * <p><b>Cost.</b> N steps of M model calls on G K rows (N M NFE in all), plus O(M^2 D + K) per row and
 * step; memory O(G K D). Differences from the reference: no centring or clamping of the weight
 * increments to +-1 or +-2 and no clipping of weights at 1e-6 (these bias the target); the step is
 * SDE-DPM-Solver++ on a VP grid rather than Euler-Maruyama on EDM sigmas.
 */
public record FkcSampler(TimeGrid grid, FkcSettings settings) {
  public FkcSampler {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (settings == null) {
      throw ConfigException.of("smc", "settings are required", null);
    }
    StepOrders.of(settings.motion().orderSettings(), grid.steps(), grid.endsClean());
  }

  /** The network evaluations of a run: N steps times M experts. */
  public int modelCalls(ProductOfExperts target) {
    return grid.steps() * target.experts();
  }

  /** Runs K particles for each group key (distinct keys) from their keyed x_T. */
  public FkcResult sample(ProductOfExperts target, long[] groupKeys, GaussianDraws draws) {
    checkKeys(groupKeys);
    int k = settings.particles();
    int d = target.dimension();
    SampleKey[] keys = new SampleKey[groupKeys.length * k];
    for (int g = 0; g < groupKeys.length; g++) {
      for (int p = 0; p < k; p++) {
        keys[g * k + p] = new SampleKey(groupKeys[g], p);
      }
    }
    double[] x = draws.initialNoise(keys, d);
    if (target.exponentSum() != 1.0) {
      double scale = 1.0 / Math.sqrt(target.exponentSum());
      for (int j = 0; j < x.length; j++) {
        x[j] *= scale;
      }
    }
    return run(target, x, groupKeys, draws.seed(), StepNoise.keyed(draws, keys, d));
  }

  /** The run from the given x_T (G K rows) with the step noise taken from {@code noise}. */
  FkcResult run(ProductOfExperts target, double[] xT, long[] groupKeys, long seed, StepNoise noise) {
    int n = grid.steps();
    int k = settings.particles();
    int groups = groupKeys.length;
    int rows = groups * k;
    int d = target.dimension();
    if (xT.length != rows * d) {
      throw new IllegalArgumentException("x_T holds " + xT.length + " values; expected " + rows + " rows x D " + d);
    }
    int[] orders = StepOrders.of(settings.motion().orderSettings(), n, grid.endsClean());
    double[] x = xT.clone();
    double[] logw = new double[rows];
    int[] lineage = new int[rows];
    for (int r = 0; r < rows; r++) {
      lineage[r] = r % k;
    }
    double[][] ess = new double[groups][n];
    int[] resamplings = new int[groups];
    double[] z = new double[rows * d];
    double[] prevData = null;
    double[] prevQ = null;
    double prevLambda = Double.NaN;
    for (int i = 0; i < n; i++) {
      NoiseLevel s0 = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      double[] data = new double[rows * d];
      double[] q = new double[rows];
      target.evaluate(x, rows, s0, i, data, q);
      if (i > 0) {
        double half = 0.5 * (Math.log(s0.alpha()) - Math.log(grid.level(i - 1).alpha()));
        for (int r = 0; r < rows; r++) {
          logw[r] += half * (prevQ[r] + q[r]);
        }
        State s = new State(x, data, prevData, q, lineage);
        for (int g = 0; g < groups; g++) {
          ess[g][i - 1] = maybeResample(s, logw, g, groupKeys[g], seed, i - 1, d, false, resamplings);
        }
      }
      if (t.sigma() > 0) {
        noise.fill(i, z);
      } else {
        Arrays.fill(z, 0.0);
      }
      x = step(x, data, prevData, prevLambda, s0, t, orders[i], z);
      if (i < n - 1) {
        prevQ = q;
      } else {
        double inc = Math.log(t.alpha()) - Math.log(s0.alpha());
        for (int r = 0; r < rows; r++) {
          logw[r] += inc * q[r];
        }
      }
      prevData = data;
      prevLambda = s0.lambda();
    }
    State end = new State(x, null, null, null, lineage);
    double[] weights = new double[rows];
    for (int g = 0; g < groups; g++) {
      ess[g][n - 1] = maybeResample(end, logw, g, groupKeys[g], seed, n, d, true, resamplings);
      double[] w = SystematicResampling.normalise(logw, g * k, k);
      System.arraycopy(w, 0, weights, g * k, k);
    }
    return new FkcResult(x, weights, lineage, ess, resamplings, groups, k, d, n * target.experts());
  }

  /** The per-row arrays resampling permutes within a group (null entries are skipped). */
  private record State(double[] x, double[] data, double[] prevData, double[] q, int[] lineage) {}

  /**
   * Records group g's ESS and resamples it when the rule (or, at the end, {@code smc.final_resample})
   * says so: rows g K .. g K + K - 1 of every array in {@code s} take their parents' values and the
   * group's log-weights become 0. Returns the ESS before resampling.
   */
  private double maybeResample(State s, double[] logw, int g, long groupKey, long seed, int stepIndex, int d,
      boolean atEnd, int[] resamplings) {
    int k = settings.particles();
    int from = g * k;
    for (int p = 0; p < k; p++) {
      if (!Double.isFinite(logw[from + p])) {
        throw new IllegalStateException("FKC log-weight of group " + groupKey + ", particle " + p + " is "
            + logw[from + p] + " after step " + stepIndex);
      }
    }
    double[] w = SystematicResampling.normalise(logw, from, k);
    double ess = SystematicResampling.effectiveSize(w);
    boolean resample = atEnd ? settings.finalResample() : settings.resamples(ess);
    if (!resample) {
      return ess;
    }
    int[] parent = SystematicResampling.ancestors(w, SystematicResampling.uniform(seed, groupKey, stepIndex));
    gather(s.x(), parent, from, d);
    gather(s.data(), parent, from, d);
    gather(s.prevData(), parent, from, d);
    gather(s.q(), parent, from, 1);
    int[] lin = Arrays.copyOfRange(s.lineage(), from, from + k);
    for (int p = 0; p < k; p++) {
      s.lineage()[from + p] = lin[parent[p]];
    }
    Arrays.fill(logw, from, from + k, 0.0);
    resamplings[g]++;
    return ess;
  }

  /** a[(from + p) * width ..] = old a[(from + parent[p]) * width ..] for the group's K rows. */
  private static void gather(double[] a, int[] parent, int from, int width) {
    if (a == null) {
      return;
    }
    int k = parent.length;
    double[] old = Arrays.copyOfRange(a, from * width, (from + k) * width);
    for (int p = 0; p < k; p++) {
      System.arraycopy(old, parent[p] * width, a, (from + p) * width, width);
    }
  }

  /** One SDE-DPM-Solver++ step with data prediction m0 (and m1 at lambda1 for 2M); as SdeDpmSolverPlusPlus. */
  private double[] step(double[] x, double[] m0, double[] m1, double lambda1, NoiseLevel s0, NoiseLevel t, int order,
      double[] z) {
    double lambda0 = s0.lambda();
    double h = t.lambda() - lambda0;
    double e = Math.exp(-h);
    double oneMinusE2 = -Math.expm1(-2 * h);
    double at = t.alpha();
    double cx = (t.sigma() / s0.sigma()) * e;
    double cd = at * oneMinusE2;
    double cz = t.sigma() * Math.sqrt(oneMinusE2);
    double[] out = new double[x.length];
    if (order == 1) {
      for (int j = 0; j < x.length; j++) {
        out[j] = cx * x[j] + cd * m0[j] + cz * z[j];
      }
      return out;
    }
    double r0 = (lambda0 - lambda1) / h;
    double c1 = settings.motion().solverType() == DpmSolverSettings.SolverType.MIDPOINT
        ? 0.5 * cd
        : at * (oneMinusE2 / (-2 * h) + 1.0);
    for (int j = 0; j < x.length; j++) {
      double d1 = (m0[j] - m1[j]) / r0;
      out[j] = cx * x[j] + cd * m0[j] + c1 * d1 + cz * z[j];
    }
    return out;
  }

  private static void checkKeys(long[] groupKeys) {
    if (groupKeys == null || groupKeys.length == 0) {
      throw new IllegalArgumentException("FKC needs at least one group key");
    }
    Set<Long> seen = new HashSet<>();
    for (long key : groupKeys) {
      if (!seen.add(key)) {
        throw new IllegalArgumentException("group key " + key + " appears twice: its groups would share every draw");
      }
    }
  }
}
