package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replacement (RePaint) sampler with the exact GMM denoiser. Oracle: under a prior whose missing
 * cells are independent of the observed one (a 2-component 3-D mixture whose components share the
 * observed block and have block-diagonal covariances, so the missing pair is itself a correlated
 * bimodal mixture), replacement is exact up to the DDPM discretisation: 400 samples of the missing
 * cells pass an MMD test against ExactPosterior draws, without and with jumps, and the same test
 * rejects the exact draws shifted by 0.3 (power). Observed cells hold y exactly. On a correlated
 * 2-component mixture the distance to the exact conditional is printed against steps and jumps (not
 * asserted: the sampler is biased there by design). Guaranteed properties are asserted: a row's
 * samples do not depend on its batch, the model is called exactly N + (r - 1) j floor((N - 1) / j)
 * times, at the levels of RePaint's get_schedule_jump (transliterated here), and bad settings are named.
 */
class ReplacementSamplerTest {
  /** Missing cells (1, 2) independent of the observed cell 0: both components share its mean and variance. */
  static final GaussianMixture PRODUCT = GaussianMixture.full(new double[] {0.4, 0.6},
      new double[][] {{0.5, -1.5, 0.5}, {0.5, 1.5, -0.5}},
      new double[][][] {{{0.6, 0, 0}, {0, 0.4, 0.2}, {0, 0.2, 0.3}}, {{0.6, 0, 0}, {0, 0.3, -0.1}, {0, -0.1, 0.5}}});
  static final MaskOperator FIRST = new MaskOperator(new boolean[] {true, false, false}, 0.0);
  /** Correlated: the observed cell informs both the component and the missing cell. */
  static final GaussianMixture CORRELATED = GaussianMixture.full(new double[] {0.5, 0.5},
      new double[][] {{-1.5, -1.0}, {1.5, 1.0}},
      new double[][][] {{{0.5, 0.4}, {0.4, 0.5}}, {{0.5, -0.4}, {-0.4, 0.5}}});

  static TimeGrid grid(int n) {
    return TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, n, 0, FinalSigma.ZERO);
  }

  /** Columns {@code cols} of every row of x (D per row). */
  static double[] columns(double[] x, int d, int... cols) {
    int rows = x.length / d;
    double[] out = new double[rows * cols.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols.length; c++) {
        out[r * cols.length + c] = x[r * d + cols[c]];
      }
    }
    return out;
  }

  static double[] exactMissing(GaussianMixture prior, MaskOperator mask, double[] y, int n, long seed) {
    GaussianMixture cond = ExactPosterior.missingGivenObserved(prior, mask, y);
    SampleKey[] keys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(70_000 + i, 0);
    }
    return new GaussianDraws(seed).exactSamples(cond, keys);
  }

  /** A denoiser that counts its calls and records the level index of each. */
  static final class Counting implements Denoiser {
    final Denoiser inner;
    final TimeGrid grid;
    final List<Integer> levels = new ArrayList<>();

    Counting(Denoiser inner, TimeGrid grid) {
      this.inner = inner;
      this.grid = grid;
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public PredictionType predictionType() {
      return inner.predictionType();
    }

    @Override
    public void predict(double[] x, NoiseLevel[] l, double[] out) {
      int index = -1;
      for (int i = 0; i <= grid.steps(); i++) {
        if (grid.level(i).equals(l[0])) {
          index = i;
        }
      }
      levels.add(index);
      inner.predict(x, l, out);
    }
  }

  @Test
  void aPriorWithIndependentMissingCellsIsSampledExactlyAndObservedCellsAreY() {
    int n = 400;
    double[] y = {2.0};
    Measurement row = new Measurement(31, FIRST, y);
    Denoiser model = new GaussianMixtureDenoiser(PRODUCT, PredictionType.EPSILON);
    double[] exact = exactMissing(PRODUCT, FIRST, y, n, 3);
    double[] plain = new ReplacementSampler(grid(100), 1, 1).sample(model, new Measurement[] {row}, n,
        new GaussianDraws(8));
    double[] jumped = new ReplacementSampler(grid(40), 5, 3).sample(model, new Measurement[] {row}, n,
        new GaussianDraws(8));
    for (double[] x : List.of(plain, jumped)) {
      for (int r = 0; r < n; r++) {
        assertEquals(2.0, x[3 * r], 0.0, "the observed cell is y exactly");
      }
    }
    double[] shifted = exact.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 0.3;
    }
    SampleDistance.MmdTest same = SampleDistance.mmd(columns(plain, 3, 1, 2), exact, 2, 200, 0.01, 1);
    SampleDistance.MmdTest withJumps = SampleDistance.mmd(columns(jumped, 3, 1, 2), exact, 2, 200, 0.01, 1);
    SampleDistance.MmdTest power = SampleDistance.mmd(columns(plain, 3, 1, 2), shifted, 2, 200, 0.01, 1);
    System.out.printf("replacement vs exact conditional (independent missing cells, n = %d, 1%% level): 100 steps "
        + "MMD^2 %.5f (p %.3f); 40 steps j=5 r=3 %.5f (p %.3f); against exact + 0.3: %.5f (p %.3f)%n", n,
        same.mmd2(), same.pValue(), withJumps.mmd2(), withJumps.pValue(), power.mmd2(), power.pValue());
    assertFalse(same.rejects(), "replacement is exact when the missing cells are independent: " + same);
    assertFalse(withJumps.rejects(), "and stays so with jumps: " + withJumps);
    assertTrue(power.rejects(), "power: the test rejects a 0.3 shift at the same size: " + power);
  }

  @Test
  void theCorrelatedMixtureIsReportedAgainstStepsAndJumps() {
    int n = 400;
    MaskOperator first = new MaskOperator(new boolean[] {true, false}, 0.0);
    double[] y = {0.3};
    Measurement row = new Measurement(77, first, y);
    Denoiser model = new GaussianMixtureDenoiser(CORRELATED, PredictionType.EPSILON);
    double[] exact = exactMissing(CORRELATED, first, y, n, 5);
    StringBuilder report = new StringBuilder("replacement vs exact conditional on a correlated 2-component GMM "
        + "(x_0 = 0.3 observed; n = 400; sliced W1 of the missing cell):");
    int[][] settings = {{20, 1, 1}, {100, 1, 1}, {20, 2, 5}, {100, 10, 5}, {100, 2, 10}};
    for (int[] s : settings) {
      ReplacementSampler sampler = new ReplacementSampler(grid(s[0]), s[1], s[2]);
      double[] x = sampler.sample(model, new Measurement[] {row}, n, new GaussianDraws(9));
      report.append(String.format(" N=%d j=%d r=%d (NFE %d) %.4f;", s[0], s[1], s[2], sampler.modelCalls(),
          SampleDistance.slicedWasserstein(columns(x, 2, 1), exact, 1, 1, 5)));
    }
    double[] marginal = new GaussianDraws(6).exactSamples(CORRELATED, keys(n));
    report.append(String.format(" (prior marginal of the cell, no conditioning: %.4f)",
        SampleDistance.slicedWasserstein(columns(marginal, 2, 1), exact, 1, 1, 5)));
    System.out.println(report);
  }

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(90_000 + i, 0);
    }
    return k;
  }

  /** RePaint's get_schedule_jump (its repository, guided_diffusion/scheduler.py), written out here. */
  static List<Integer> rePaintTimes(int tT, int jumpLength, int jumpNSample) {
    Map<Integer, Integer> jumps = new HashMap<>();
    for (int j = 0; j < tT - jumpLength; j += jumpLength) {
      jumps.put(j, jumpNSample - 1);
    }
    int t = tT;
    List<Integer> ts = new ArrayList<>();
    while (t >= 1) {
      t = t - 1;
      ts.add(t);
      if (jumps.getOrDefault(t, 0) > 0) {
        jumps.put(t, jumps.get(t) - 1);
        for (int k = 0; k < jumpLength; k++) {
          t = t + 1;
          ts.add(t);
        }
      }
    }
    ts.add(-1);
    return ts;
  }

  @Test
  void batchesCallsAndTheJumpScheduleAreExactAndBadSettingsAreNamed() {
    Denoiser gmm = new GaussianMixtureDenoiser(CORRELATED, PredictionType.SAMPLE);
    MaskOperator first = new MaskOperator(new boolean[] {true, false}, 0.0);
    MaskOperator second = new MaskOperator(new boolean[] {false, true}, 0.0);
    Measurement[] rows = {new Measurement(5, first, new double[] {0.7}), new Measurement(6, second, new double[] {-1.2}),
        new Measurement(7, first, new double[] {-2.0})};
    TimeGrid g20 = grid(20);
    ReplacementSampler s = new ReplacementSampler(g20, 3, 4);
    Counting counting = new Counting(gmm, g20);
    double[] all = s.sample(counting, rows, 4, new GaussianDraws(4));
    double[] alone = s.sample(gmm, new Measurement[] {rows[1]}, 4, new GaussianDraws(4));
    assertArrayEquals(Arrays.copyOfRange(all, 8, 16), alone, 0.0, "a row's samples do not depend on its batch");
    for (int p = 0; p < 4; p++) {
      assertEquals(-1.2, all[8 + 2 * p + 1], 0.0, "observed cell of row 6");
    }
    // N = 20, j = 3, r = 4: jump points 19, 16, 13, 10, 7, 4 (6 of them), each re-running 3 steps 3 times
    assertEquals(20 + 6 * 3 * 3, counting.levels.size(), "model calls");
    assertEquals(74, s.modelCalls());
    List<Integer> expected = new ArrayList<>();
    List<Integer> ts = rePaintTimes(20, 3, 4);
    for (int i = 0; i + 1 < ts.size(); i++) {
      if (ts.get(i + 1) < ts.get(i)) {
        expected.add(20 - 1 - ts.get(i)); // RePaint's model time t is level N - 1 - t
      }
    }
    assertEquals(expected, counting.levels, "the levels of the model calls are RePaint's schedule");
    assertEquals(20, new ReplacementSampler(g20, 3, 1).modelCalls());
    assertEquals(20 + 9 * 1 * 19, new ReplacementSampler(g20, 1, 10).modelCalls());

    ConfigException noisy = assertThrows(ConfigException.class, () -> s.sample(gmm,
        new Measurement[] {new Measurement(1, new MaskOperator(new boolean[] {true, false}, 0.1), new double[] {0})}, 1,
        new GaussianDraws(4)));
    assertTrue(noisy.getMessage().contains("measurement.sigma_y"), noisy.getMessage());
    ConfigException dense = assertThrows(ConfigException.class, () -> s.sample(gmm,
        new Measurement[] {new Measurement(1, new DenseLinearOperator(new double[][] {{1, 0}}, 0.0), new double[] {0})},
        1, new GaussianDraws(4)));
    assertTrue(dense.getMessage().contains("measurement.operator"), dense.getMessage());
    ConfigException length = assertThrows(ConfigException.class, () -> new ReplacementSampler(g20, 20, 2));
    assertTrue(length.getMessage().contains("sampler.jump_length"), length.getMessage());
    ConfigException reps = assertThrows(ConfigException.class, () -> new ReplacementSampler(g20, 3, 0));
    assertTrue(reps.getMessage().contains("sampler.jumps"), reps.getMessage());
  }
}
