package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.FkcResult;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.FkcSettings;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import org.junit.jupiter.api.Test;

/**
 * TDS against the closed-form posterior of a linear-Gaussian measurement (y = x_1 + x_2 + eta, sigma_y
 * 0.4, y = 0) under a 3-component 2-D GMM prior, with the exact GMM denoiser and 50 DDPM steps: the
 * error of the weighted mean and covariance (averaged over 24 rows) shrinks from K = 16 to K = 256 by
 * more than 3x, while the same guided particles without weights keep their bias; one draw per row
 * passes an MMD test against exact posterior draws that rejects the unweighted sampler and the prior.
 */
class TwistedDiffusionSamplerTest {
  static final GaussianMixture PRIOR = ExactPosteriorTest.prior2d();
  static final MeasurementOperator OP = new DenseLinearOperator(new double[][] {{1.0, 1.0}}, 0.4);
  static final double[] Y = {0.0};
  static final GaussianMixtureJacobian MODEL = new GaussianMixtureJacobian(PRIOR);

  static TimeGrid grid(int n) {
    return TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, n, 0, FinalSigma.ZERO);
  }

  static Measurement[] rows(int g, long base) {
    Measurement[] m = new Measurement[g];
    for (int i = 0; i < g; i++) {
      m[i] = new Measurement(base + i, OP, Y);
    }
    return m;
  }

  /** mean over groups of |mean_g - m*|^2 + |cov_g - C*|_F^2, weighted or not. */
  static double error(FkcResult r, boolean weighted, double[] m, double[][] c) {
    int k = r.particles();
    int d = r.dimension();
    double total = 0;
    for (int g = 0; g < r.groups(); g++) {
      double[] x = java.util.Arrays.copyOfRange(r.samples(), g * k * d, (g + 1) * k * d);
      double[] w = weighted ? java.util.Arrays.copyOfRange(r.weights(), g * k, (g + 1) * k) : null;
      double[] mg = MixtureMoments.mean(x, w, d);
      double[][] cg = MixtureMoments.covariance(x, w, d);
      double e = 0;
      for (int i = 0; i < d; i++) {
        e += (mg[i] - m[i]) * (mg[i] - m[i]);
        for (int j = 0; j < d; j++) {
          e += (cg[i][j] - c[i][j]) * (cg[i][j] - c[i][j]);
        }
      }
      total += e;
    }
    return total / r.groups();
  }

  /** One draw per group from its weighted particles (inverse CDF at a keyed uniform). */
  static double[] onePerGroup(FkcResult r, long seed) {
    int k = r.particles();
    int d = r.dimension();
    double[] out = new double[r.groups() * d];
    for (int g = 0; g < r.groups(); g++) {
      double u = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, g).uniform(0);
      int pick = k - 1;
      double c = 0;
      for (int p = 0; p < k; p++) {
        c += r.weights()[g * k + p];
        if (u < c) {
          pick = p;
          break;
        }
      }
      System.arraycopy(r.samples(), (g * k + pick) * d, out, g * d, d);
    }
    return out;
  }

  @Test
  void theErrorShrinksWithKWhileTheUnweightedSamplerKeepsItsBias() {
    GaussianMixture post = ExactPosterior.of(PRIOR, new Measurement(0, OP, Y));
    double[] m = MixtureMoments.mean(post);
    double[][] c = MixtureMoments.covariance(post);
    double[] smc = new double[2];
    double[] plain = new double[2];
    int[] ks = {16, 256};
    for (int i = 0; i < 2; i++) {
      smc[i] = error(new TwistedDiffusionSampler(grid(50), TwistedDiffusionSampler.settings(ks[i], 0.5, false), 1.0)
          .sample(MODEL, rows(24, 1000), new GaussianDraws(7)), true, m, c);
      plain[i] = error(new TwistedDiffusionSampler(grid(50), TwistedDiffusionSampler.settings(ks[i], 0.0, false), 1.0)
          .sample(MODEL, rows(24, 1000), new GaussianDraws(7)), false, m, c);
    }
    System.out.printf("TDS posterior error (|mean err|^2 + |cov err|_F^2, mean of 24 rows): K=16 %.4f, K=256 %.4f;"
        + " unweighted guided particles: K=16 %.4f, K=256 %.4f%n", smc[0], smc[1], plain[0], plain[1]);
    assertTrue(smc[1] < smc[0] / 3, "SMC error must shrink from K = 16 to 256 by more than 3x: " + smc[0] + " -> " + smc[1]);
    assertTrue(plain[1] > plain[0] / 2, "the unweighted sampler keeps its bias: " + plain[0] + " -> " + plain[1]);
    assertTrue(plain[1] > 5 * smc[1], "at K = 256 TDS must beat the unweighted sampler: " + smc[1] + " vs " + plain[1]);
  }

  @Test
  void samplesPassMmdAgainstExactPosteriorDrawsWhichRejectsTheUnweightedSamplerAndThePrior() {
    int n = 200;
    GaussianMixture post = ExactPosterior.of(PRIOR, new Measurement(0, OP, Y));
    SampleKey[] keys = new SampleKey[n];
    SampleKey[] priorKeys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(5000 + i, 0);
      priorKeys[i] = new SampleKey(9000 + i, 0);
    }
    double[] exact = new GaussianDraws(3).exactSamples(post, keys);
    double[] tds = onePerGroup(new TwistedDiffusionSampler(grid(50), TwistedDiffusionSampler.settings(64, 0.5, false), 1.0)
        .sample(MODEL, rows(n, 2000), new GaussianDraws(8)), 17);
    double[] unweighted = new TwistedDiffusionSampler(grid(50), TwistedDiffusionSampler.settings(1, 0.0, false), 1.0)
        .sample(MODEL, rows(n, 2000), new GaussianDraws(8)).samples();
    double[] prior = new GaussianDraws(3).exactSamples(PRIOR, priorKeys);
    SampleDistance.MmdTest same = SampleDistance.mmd(tds, exact, 2, 200, 0.05, 1);
    SampleDistance.MmdTest plain = SampleDistance.mmd(unweighted, exact, 2, 200, 0.05, 1);
    SampleDistance.MmdTest fromPrior = SampleDistance.mmd(prior, exact, 2, 200, 0.05, 1);
    System.out.printf("MMD^2 vs exact posterior (n = %d, 5%% level): TDS K=64 %.5f (p %.3f); unweighted K=1 %.5f (p %.3f);"
        + " prior %.5f (p %.3f)%n", n, same.mmd2(), same.pValue(), plain.mmd2(), plain.pValue(), fromPrior.mmd2(),
        fromPrior.pValue());
    assertFalse(same.rejects(), "TDS samples must pass against exact posterior draws: " + same);
    assertTrue(plain.rejects(), "power: the unweighted sampler must be rejected at the same size: " + plain);
    assertTrue(fromPrior.rejects(), "power: prior draws must be rejected at the same size: " + fromPrior);
  }

  /**
   * A sharp measurement (y = 100 (x_1 + x_2) + eta, sigma_y 0.4: an effective noise of 0.004 on x_1 +
   * x_2, like the attrition table's sigma_y against its standardised prior): with the paper's undamped
   * shift tau^2 g and a twist variance not scaled through A, particles ran off to 1e8 and beyond. Now
   * they stay finite, most draws sit on the measured line (20 of 160 leave it by 5 noise sd at K =
   * 32, measured: the groups whose particles all missed; at most a quarter allowed), and one draw per row (K = 32) passes MMD against exact
   * posterior draws; power: the prior's conditional draws along the wrong line (y = 0) are rejected.
   */
  @Test
  void aSharpMeasurementStaysFiniteAndOnThePosterior() {
    int n = 160;
    MeasurementOperator sharp = new DenseLinearOperator(new double[][] {{100.0, 100.0}}, 0.4);
    double[] y = {30.0};
    Measurement[] rows = new Measurement[n];
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new Measurement(700 + i, sharp, y);
      keys[i] = new SampleKey(5000 + i, 0);
    }
    double[] exact = new GaussianDraws(3).exactSamples(ExactPosterior.of(PRIOR, rows[0]), keys);
    double[] wrong = new GaussianDraws(3).exactSamples(ExactPosterior.of(PRIOR,
        new Measurement(0, sharp, new double[] {0.0})), keys);
    FkcResult r = new TwistedDiffusionSampler(grid(50), TwistedDiffusionSampler.settings(32, 0.5, false), 1.0)
        .sample(MODEL, rows, new GaussianDraws(11));
    for (double v : r.samples()) {
      assertTrue(Double.isFinite(v) && Math.abs(v) < 100, "particles stay on the prior's scale: " + v);
    }
    double[] tds = onePerGroup(r, 19);
    int off = 0;
    for (int g = 0; g < n; g++) {
      if (Math.abs(tds[2 * g] + tds[2 * g + 1] - 0.3) > 0.02) {
        off++;
      }
    }
    SampleDistance.MmdTest same = SampleDistance.mmd(tds, exact, 2, 200, 0.05, 1);
    SampleDistance.MmdTest power = SampleDistance.mmd(wrong, exact, 2, 200, 0.05, 1);
    System.out.printf("sharp measurement: %d of %d draws off the line x1 + x2 = 0.3 by > 0.02 (5 noise sd); MMD^2 TDS"
        + " K=32 %.5f (p %.3f); wrong line %.5f (p %.3f)%n", off, n, same.mmd2(), same.pValue(), power.mmd2(), power.pValue());
    assertTrue(off <= n / 4, "draws sit on the measured line: " + off + " of " + n + " off it");
    assertFalse(same.rejects(), "TDS samples must pass against exact posterior draws: " + same);
    assertTrue(power.rejects(), "power: draws conditioned on y = 0 must be rejected: " + power);
  }

  @Test
  void aRowDoesNotDependOnItsBatchAndBadSettingsAreNamed() {
    TwistedDiffusionSampler s = new TwistedDiffusionSampler(grid(20), TwistedDiffusionSampler.settings(8, 0.5, true), 1.0);
    Measurement[] rows = rows(3, 40);
    FkcResult all = s.sample(MODEL, rows, new GaussianDraws(4));
    FkcResult alone = s.sample(MODEL, new Measurement[] {rows[1]}, new GaussianDraws(4));
    assertArrayEquals(java.util.Arrays.copyOfRange(all.samples(), 16, 32), alone.samples(), 0.0);
    assertArrayEquals(all.essTrace()[1], alone.essTrace()[0], 0.0);
    assertEquals(20, all.modelCalls());
    for (double w : all.weights()) {
      assertEquals(1.0 / 8, w, 0.0, "final resampling leaves equal weights");
    }
    ConfigException order = assertThrows(ConfigException.class,
        () -> new TwistedDiffusionSampler(grid(20), FkcSettings.of(8), 1.0));
    assertTrue(order.getMessage().contains("solver_order"), order.getMessage());
    ConfigException noise = assertThrows(ConfigException.class, () -> s.sample(MODEL,
        new Measurement[] {new Measurement(1, new IdentityOperator(2, 0.0), new double[2])}, new GaussianDraws(4)));
    assertTrue(noise.getMessage().contains("measurement.sigma_y"), noise.getMessage());
    assertThrows(ConfigException.class, () -> new TwistedDiffusionSampler(grid(20), TwistedDiffusionSampler.settings(8, 0.5, true), -1));
  }

  @Test
  void dpsIsReportedAgainstTheExactPosterior() {
    int n = 200;
    GaussianMixture post = ExactPosterior.of(PRIOR, new Measurement(0, OP, Y));
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(5000 + i, 0);
    }
    double[] exact = new GaussianDraws(3).exactSamples(post, keys);
    Measurement[] one = rows(1, 3000);
    StringBuilder report = new StringBuilder("DPS vs exact posterior (n = 200, sliced W1 over 64 directions):");
    for (double zeta : new double[] {0.0, 0.03, 0.1, 0.3, 1.0}) {
      double[] dps = new DpsSampler(grid(50), zeta).sample(MODEL, one, n, new GaussianDraws(9));
      for (double v : dps) {
        assertTrue(Double.isFinite(v), "DPS samples are finite");
      }
      report.append(String.format(" zeta'=%.2f SW %.4f;", zeta, SampleDistance.slicedWasserstein(dps, exact, 2, 64, 5)));
    }
    System.out.println(report);
  }
}
