package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * TS-DPM's time shift ({@link TimeShiftDenoiser}): the rule against the reference function
 * (Mingxiao-Li/TS-DPM {@code apply_time_shift}, goldens made by
 * {@code src/test/resources/continuous/make_time_shift_golden.py}) and against a brute-force oracle; a
 * run in which every row's variance agrees best with its own timestep is the unshifted run bit for bit
 * (DDIM and DPM-Solver++, epsilon and v models), and one whose variance is 20 % too large is not;
 * determinism and batch independence; refusals.
 */
class TimeShiftTest {
  private static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.diffusersDefault();

  private static Denoiser pointMassAtZero(int d, PredictionType type) {
    double[][] mean = {new double[d]};
    double[][] var = {new double[d]};
    Arrays.fill(var[0], 1e-12);
    return new GaussianMixtureDenoiser(GaussianMixture.diagonal(new double[] {1}, mean, var), type);
  }

  @Test
  void theRuleMatchesTheReferenceFunction() throws Exception {
    JsonNode doc = Goldens.load("time_shift_golden.json").doc();
    int checked = 0;
    int moved = 0;
    for (JsonNode c : doc.get("cases")) {
      TimeShiftSettings s = new TimeShiftSettings(c.get("window").asInt(), c.get("cutoff").asInt());
      int t = c.get("t").asInt();
      double[][] rows = Goldens.matrix(c.get("rows"));
      TimeShiftDenoiser shift = new TimeShiftDenoiser(pointMassAtZero(rows[0].length, PredictionType.EPSILON),
          SCHEDULE, s);
      for (int r = 0; r < rows.length; r++) {
        int expected = c.get("shifted").get(r).asInt();
        assertEquals(expected, shift.shiftedTimestep(rows[r], 0, rows[r].length, t), s + " t " + t + " row " + r);
        checked++;
        moved += expected != t ? 1 : 0;
      }
    }
    assertEquals(240, checked);
    assertTrue(moved > 150, "the goldens shift most rows: " + moved);
  }

  @Test
  void theRuleMatchesABruteForceOracle() {
    GaussianDraws draws = new GaussianDraws(17);
    int d = 6;
    SampleKey[] keys = new SampleKey[400];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[] z = draws.initialNoise(keys, d);
    int[][] settings = {{10, 900}, {15, 300}, {30, 0}, {0, 0}, {3, 500}};
    for (int k = 0; k < keys.length; k++) {
      int[] ws = settings[k % settings.length];
      TimeShiftDenoiser shift = new TimeShiftDenoiser(pointMassAtZero(d, PredictionType.EPSILON), SCHEDULE,
          new TimeShiftSettings(ws[0], ws[1]));
      int t = (int) ((k * 997L) % 1000);
      // rows of variance near 1 - alpha_bar_t: x = sigma_t z scaled by 0.8 .. 1.2
      double[] row = new double[d];
      double scale = Math.sqrt(1 - SCHEDULE.alphaBar(t)) * (0.8 + 0.4 * (k % 7) / 6.0);
      for (int j = 0; j < d; j++) {
        row[j] = scale * z[k * d + j] + 0.3;
      }
      // oracle: sum-of-squares variance, every timestep of the schedule, the first minimum
      double sum = 0;
      double sumSq = 0;
      for (double v : row) {
        sum += v;
        sumSq += v * v;
      }
      double var = (sumSq - sum * sum / d) / (d - 1);
      int expected = t;
      if (t > ws[1]) {
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < 1000; c++) {
          double dist = Math.pow(var - (1 - SCHEDULE.alphaBar(c)), 2);
          if (Math.abs(c - t) <= ws[0] && dist < best) {
            best = dist;
            expected = c;
          }
        }
      }
      assertEquals(expected, shift.shiftedTimestep(row, 0, d, t), "w " + ws[0] + " c " + ws[1] + " t " + t);
    }
  }

  private static double[] scaledNoise(int rows, int d, double variance, long seed) {
    SampleKey[] keys = keys(rows);
    double[] z = new GaussianDraws(seed).initialNoise(keys, d);
    for (int r = 0; r < rows; r++) {
      double mean = 0;
      for (int j = 0; j < d; j++) {
        mean += z[r * d + j] / d;
      }
      double ss = 0;
      for (int j = 0; j < d; j++) {
        ss += (z[r * d + j] - mean) * (z[r * d + j] - mean);
      }
      double c = Math.sqrt(variance / (ss / (d - 1)));
      for (int j = 0; j < d; j++) {
        z[r * d + j] *= c;
      }
    }
    return z;
  }

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(i, 0);
    }
    return k;
  }

  @Test
  void whenEveryVarianceAgreesTheRunIsTheUnshiftedOne() {
    // point-mass data at 0: along DDIM / DPM-Solver++ x_t = (sigma_t / sigma_T) x_T, so a row whose variance
    // is sigma_T^2 keeps variance 1 - alpha_bar_t at every step: no row moves, whatever the window
    int d = 8;
    TimeShiftSettings wide = new TimeShiftSettings(30, 0);
    GaussianSolver ddim = new DdimSolver(DdimPlan.diffusers(SCHEDULE, DiffusersSpacing.LEADING, 10, 0, true),
        DdimSettings.unclipped(0));
    GaussianSolver dpm = new DpmSolverPlusPlus(TimeGrid.diffusers(SCHEDULE, DiffusersSpacing.LINSPACE, 10, 0,
        FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    for (GaussianSolver solver : new GaussianSolver[] {ddim, dpm}) {
      for (PredictionType type : new PredictionType[] {PredictionType.EPSILON, PredictionType.V}) {
        Denoiser model = pointMassAtZero(d, type);
        int first = solver == ddim ? 900 : 999;
        double sigma2 = 1 - SCHEDULE.alphaBar(first);
        double[] xT = scaledNoise(5, d, sigma2, 3);
        SampleKey[] keys = keys(5);
        double[] plain = solver.run(model, xT, keys, new GaussianDraws(1)).samples();
        double[] shifted = solver.run(new TimeShiftDenoiser(model, SCHEDULE, wide), xT, keys, new GaussianDraws(1))
            .samples();
        String label = solver.getClass().getSimpleName() + " " + type.id();
        assertArrayEquals(plain, shifted, 0.0, label + ": agreeing variances");

        // power: with 20 % too much variance the model is called at noisier timesteps (the window's edge
        // first); the point mass still ends every run at 0, so the calls are what differs
        double[] loud = scaledNoise(5, d, 1.2 * sigma2, 3);
        TimeShiftDenoiser ts = new TimeShiftDenoiser(model, SCHEDULE, wide);
        assertEquals(Math.min(999, first + 30), ts.shiftedTimestep(loud, 0, d, first), label);
        java.util.List<Double> times = new java.util.ArrayList<>();
        Denoiser recording = new Denoiser() {
          @Override
          public int dimension() {
            return d;
          }

          @Override
          public PredictionType predictionType() {
            return type;
          }

          @Override
          public void predict(double[] x, NoiseLevel[] levels, double[] out) {
            times.add(levels[0].modelTime());
            model.predict(x, levels, out);
          }
        };
        solver.run(new TimeShiftDenoiser(recording, SCHEDULE, wide), loud, keys, new GaussianDraws(1));
        assertEquals(Math.min(999, first + 30), times.get(0), label + ": first call");
        assertTrue(times.get(1) > (solver == ddim ? 800 : 899), label + ": second call " + times);
      }
    }
  }

  @Test
  void runsAreDeterministicAndDoNotDependOnTheBatch() {
    GaussianMixture prior = GaussianMixture.diagonal(new double[] {0.6, 0.4},
        new double[][] {{1, -1, 0.5, 0}, {-1, 1, 0, 0.5}}, new double[][] {{0.2, 0.1, 0.3, 0.2}, {0.1, 0.2, 0.2, 0.3}});
    Denoiser model = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    GaussianSolver solver = new DpmSolverPlusPlus(TimeGrid.diffusers(SCHEDULE, DiffusersSpacing.LINSPACE, 12, 0,
        FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    Denoiser shifted = new TimeShiftDenoiser(model, SCHEDULE, TimeShiftSettings.DPM_SOLVER);
    GaussianDraws draws = new GaussianDraws(11);
    SampleKey[] keys = keys(6);
    double[] a = solver.sample(shifted, keys, draws).samples();
    double[] b = solver.sample(shifted, keys, draws).samples();
    assertArrayEquals(a, b, 0.0, "the same run twice");
    double[] head = solver.sample(shifted, Arrays.copyOfRange(keys, 0, 2), draws).samples();
    double[] tail = solver.sample(shifted, Arrays.copyOfRange(keys, 2, 6), draws).samples();
    double[] joined = new double[a.length];
    System.arraycopy(head, 0, joined, 0, head.length);
    System.arraycopy(tail, 0, joined, head.length, tail.length);
    assertArrayEquals(a, joined, 0.0, "batches of 2 and 4");
    double[] plain = solver.sample(model, keys, draws).samples();
    double apart = 0;
    for (int j = 0; j < a.length; j++) {
      apart = Math.max(apart, Math.abs(a[j] - plain[j]));
    }
    assertTrue(apart > 1e-3, "shifted calls moved the samples by only " + apart);
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> new TimeShiftSettings(-1, 300)).getMessage()
        .contains("'time_shift.window'"));
    assertTrue(assertThrows(ConfigException.class, () -> new TimeShiftSettings(10, -1)).getMessage()
        .contains("'time_shift.cutoff'"));
    assertTrue(assertThrows(ConfigException.class,
        () -> new TimeShiftDenoiser(pointMassAtZero(1, PredictionType.EPSILON), SCHEDULE, TimeShiftSettings.DEIS))
        .getMessage().contains("dimension >= 2"));
    ScheduleSpec linear = new ScheduleSpec(ScheduleSpec.Kind.LINEAR, BetaSchedule.LINEAR, 1000, 1e-4, 0.02, 0.1, 20.0);
    SolverSpec spec = new SolverSpec(linear, TimestepSpacing.LOGSNR, FinalSigma.ZERO, 0, SolverKind.DPMSOLVER_PLUS_PLUS,
        10, DpmSolverSettings.DIFFUSERS);
    assertTrue(assertThrows(ConfigException.class,
        () -> TimeShiftDenoiser.wrap(pointMassAtZero(3, PredictionType.EPSILON), spec, TimeShiftSettings.DPM_SOLVER))
        .getMessage().contains("'time_shift' needs the training timesteps of a discrete schedule"));
    assertEquals("{window=10, cutoff=900}", TimeShiftSettings.DEIS.describe().toString());
  }
}
