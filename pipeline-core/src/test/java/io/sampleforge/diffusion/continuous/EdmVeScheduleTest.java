package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code edm} schedule ({@link EdmVeSchedule}) and the VE adapter ({@link VeToVpDenoiser}), against
 * hand-derived values: the Karras grid is eq. 5 of Karras et al. 2022 with a final 0; Euler, Heun (k-diffusion's
 * {@code sample_euler} / {@code sample_heun} in VE units, written out here) and DDIM reproduce the hand EDM steps
 * to 1e-12; DDIM and DPM-Solver++ 1/2/3 (and UniPC) are exact for point-mass data at any step count on Karras
 * and logSNR grids; the adapter equals the VP exact GMM denoiser; {@link SolverSpec} describes the kind and bad
 * keys are named.
 */
class EdmVeScheduleTest {
  private static final double S_MIN = 0.002;
  private static final double S_MAX = 80.0;
  private static final double[][] X_VE = {{40.0, -65.0}, {-10.0, 90.0}};

  private static double[] handKarras(int n) {
    double lo = Math.pow(S_MIN, 1 / 7.0);
    double hi = Math.pow(S_MAX, 1 / 7.0);
    double[] s = new double[n + 1];
    for (int i = 0; i < n; i++) {
      s[i] = Math.pow(hi + i / (n - 1.0) * (lo - hi), 7);
    }
    return s; // s[n] = 0
  }

  private static SolverSpec spec(SolverKind kind, TimestepSpacing spacing, int steps, java.io.Serializable settings) {
    return new SolverSpec(ScheduleSpec.EDM, spacing, FinalSigma.ZERO, 0, kind, steps, settings);
  }

  private static SampleKey[] keys(int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(100 + i, 0);
    }
    return k;
  }

  /** x_T in VP units whose VE value at sigma_max is X_VE. */
  private static double[] xT() {
    double a = 1 / Math.sqrt(1 + S_MAX * S_MAX);
    return new double[] {X_VE[0][0] * a, X_VE[0][1] * a, X_VE[1][0] * a, X_VE[1][1] * a};
  }

  private static double[] denoise(VeGaussianMixture m, double[] x, double s) {
    double[] out = new double[x.length];
    m.predict(x, new double[] {s, s}, out);
    return out;
  }

  @Test
  void karrasGridIsEquationFiveWithAFinalZero() {
    TimeGrid g = spec(SolverKind.EULER, TimestepSpacing.KARRAS, 5, EdmSettings.EULER).timeGrid();
    double[] s = handKarras(5);
    assertEquals(5, g.steps());
    for (int i = 0; i < 5; i++) {
      NoiseLevel l = g.level(i);
      assertEquals(s[i], l.sigma() / l.alpha(), 1e-12 * s[i], "sigma " + i);
      assertEquals(s[i], l.modelTime(), 0.0, "the model time is the VE sigma " + i);
      assertEquals(1.0, l.alpha() * l.alpha() + l.sigma() * l.sigma(), 1e-15, "VP " + i);
    }
    assertTrue(g.endsClean());
    TimeGrid last = new SolverSpec(ScheduleSpec.EDM, TimestepSpacing.KARRAS, FinalSigma.SIGMA_MIN, 0, SolverKind.DEIS, 4,
        DeisSettings.DIFFUSERS).timeGrid();
    for (int i = 0; i <= 4; i++) { // 5 Karras sigmas, no 0
      assertEquals(s[i], last.level(i).sigma() / last.level(i).alpha(), 1e-12 * s[i], "sigma_min grid " + i);
    }
    // time_uniform is the same ramp ending on sigma_min, logSNR is uniform in log sigma
    TimeGrid tu = spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.TIME_UNIFORM, 4, DpmSolverSettings.DIFFUSERS).timeGrid();
    TimeGrid ls = spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.LOGSNR, 4, DpmSolverSettings.DIFFUSERS).timeGrid();
    for (int i = 0; i <= 4; i++) {
      assertEquals(s[i], tu.level(i).modelTime(), 1e-12 * s[i], "time_uniform " + i);
      double expected = Math.exp(Math.log(S_MAX) + i / 4.0 * (Math.log(S_MIN) - Math.log(S_MAX)));
      assertEquals(expected, ls.level(i).modelTime(), 1e-12 * expected, "logSNR " + i);
    }
  }

  @Test
  void eulerHeunAndDdimReproduceTheHandEdmSteps() {
    VeGaussianMixture ve = VeGaussianMixture.standard(PredictionType.SAMPLE);
    Denoiser model = new VeToVpDenoiser(ve);
    double[] s = handKarras(3);
    double[] euler = {X_VE[0][0], X_VE[0][1], X_VE[1][0], X_VE[1][1]};
    double[] heun = euler.clone();
    for (int i = 0; i < 3; i++) {
      double dt = s[i + 1] - s[i];
      double[] d0 = denoise(ve, euler, s[i]);
      for (int j = 0; j < 4; j++) {
        euler[j] += dt * (euler[j] - d0[j]) / s[i];
      }
      double[] dh = denoise(ve, heun, s[i]);
      double[] d = new double[4];
      double[] x2 = new double[4];
      for (int j = 0; j < 4; j++) {
        d[j] = (heun[j] - dh[j]) / s[i];
        x2[j] = heun[j] + dt * d[j];
      }
      if (s[i + 1] == 0) {
        heun = x2;
      } else {
        double[] d2 = denoise(ve, x2, s[i + 1]);
        for (int j = 0; j < 4; j++) {
          heun[j] += dt * 0.5 * (d[j] + (x2[j] - d2[j]) / s[i + 1]);
        }
      }
    }
    GaussianDraws draws = new GaussianDraws(1);
    double[] e = spec(SolverKind.EULER, TimestepSpacing.KARRAS, 3, EdmSettings.EULER).build().run(model, xT(), keys(2),
        draws).samples();
    double[] h = spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 3, EdmSettings.HEUN).build().run(model, xT(), keys(2),
        draws).samples();
    double[] dd = spec(SolverKind.DDIM, TimestepSpacing.KARRAS, 3, DdimSettings.unclipped(0.0)).build().run(model, xT(),
        keys(2), draws).samples();
    for (int j = 0; j < 4; j++) {
      assertEquals(euler[j], e[j], 1e-12, "Euler " + j);
      assertEquals(heun[j], h[j], 1e-12, "Heun " + j);
      assertEquals(euler[j], dd[j], 1e-12, "DDIM is EDM Euler " + j);
    }
    assertTrue(Math.abs(euler[0] - heun[0]) > 1e-3, "Euler and Heun differ: " + euler[0] + " " + heun[0]);
  }

  @Test
  void pointMassDataIsExactAtAnyStepCount() {
    double[] mu = {0.7, -1.3};
    Denoiser model = new VeToVpDenoiser(new VeGaussianMixture(new double[] {1}, new double[][] {mu},
        new double[][] {{0, 0}}, PredictionType.EPSILON));
    Map<String, java.util.function.Function<Integer, SolverSpec>> solvers = Map.of(
        "ddim", n -> spec(SolverKind.DDIM, TimestepSpacing.KARRAS, n, DdimSettings.unclipped(0.0)),
        "dpm++1", n -> spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.KARRAS, n,
            new DpmSolverSettings(1, DpmSolverSettings.SolverType.MIDPOINT, true, false, DpmSolverSettings.OrderRule.DIFFUSERS)),
        "dpm++2M", n -> spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.KARRAS, n, DpmSolverSettings.DIFFUSERS),
        "dpm++3M", n -> spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.KARRAS, n,
            new DpmSolverSettings(3, DpmSolverSettings.SolverType.MIDPOINT, true, false, DpmSolverSettings.OrderRule.DIFFUSERS)),
        "unipc", n -> spec(SolverKind.UNIPC, TimestepSpacing.KARRAS, n, UniPcSettings.DIFFUSERS),
        "dpm++3M logSNR", n -> spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.LOGSNR, n,
            new DpmSolverSettings(3, DpmSolverSettings.SolverType.MIDPOINT, true, false, DpmSolverSettings.OrderRule.DIFFUSERS)),
        "ddim logSNR", n -> spec(SolverKind.DDIM, TimestepSpacing.LOGSNR, n, DdimSettings.unclipped(0.0)));
    GaussianDraws draws = new GaussianDraws(1);
    for (var entry : solvers.entrySet()) {
      boolean logSnr = entry.getKey().endsWith("logSNR");
      for (int n : new int[] {1, 2, 3, 7, 20}) {
        String name = entry.getKey();
        if (n < 3 && name.startsWith("dpm++3M") || n < 2 && (name.equals("unipc") || name.equals("dpm++2M"))) {
          continue;
        }
        double[] out = entry.getValue().apply(n).build().run(model, xT(), keys(2), draws).samples();
        for (int r = 0; r < 2; r++) {
          for (int j = 0; j < 2; j++) {
            // the VE flow of a point mass: x - mu is proportional to sigma; VP output = alpha_end x_ve
            double end = logSnr ? S_MIN : 0.0;
            double expected = (mu[j] + (X_VE[r][j] - mu[j]) * end / S_MAX) / Math.sqrt(1 + end * end);
            assertEquals(expected, out[2 * r + j], 1e-12, entry.getKey() + " steps " + n + " row " + r + " coord " + j);
          }
        }
      }
    }
  }

  @Test
  void theAdapterIsTheVpExactDenoiser() {
    VeGaussianMixture ve = VeGaussianMixture.standard(PredictionType.SAMPLE);
    Denoiser viaVe = new VeToVpDenoiser(ve);
    Denoiser vp = new GaussianMixtureDenoiser(ve.prior(), PredictionType.SAMPLE);
    TimeGrid g = spec(SolverKind.DPMSOLVER_PLUS_PLUS, TimestepSpacing.LOGSNR, 12, DpmSolverSettings.DIFFUSERS).timeGrid();
    for (int i = 0; i <= 12; i++) {
      NoiseLevel l = g.level(i);
      double[][] x = {{0.3 * i - 1.0, 0.5 - 0.1 * i}, {1.1, -0.4 * i}};
      NoiseLevel[] both = {l, l};
      double[][] a = viaVe.predict(x, both);
      double[][] b = vp.predict(x, both);
      for (int r = 0; r < 2; r++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(b[r][j], a[r][j], 1e-11, "level " + i + " row " + r + " coord " + j);
        }
      }
    }
  }

  @Test
  void solverSpecDescribesTheKindAndBadKeysAreNamed() {
    Map<String, Object> d = spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 10, EdmSettings.HEUN).describe();
    assertEquals("heun", d.get("name"));
    assertEquals("karras", d.get("spacing"));
    assertEquals("zero", d.get("final_sigma"));
    assertEquals(19, d.get("model_calls"));
    assertEquals("edm sigma [0.002, 80.0] rho 7.0", d.get("schedule"));
    assertEquals(ScheduleSpec.Kind.EDM, ScheduleSpec.Kind.parse("schedule.type", "edm"));
    assertEquals("edm sigma [0.01, 50.0] rho 5.0", ScheduleSpec.edm(0.01, 50, 5).describe());
    List<Object[]> bad = List.of(
        new Object[] {(Runnable) () -> ScheduleSpec.edm(0.0, 80, 7), "schedule.sigma_min"},
        new Object[] {(Runnable) () -> ScheduleSpec.edm(0.002, 0.001, 7), "schedule.sigma_max"},
        new Object[] {(Runnable) () -> ScheduleSpec.edm(0.002, 2e6, 7), "schedule.sigma_max"},
        new Object[] {(Runnable) () -> ScheduleSpec.edm(0.002, 80, 0), "schedule.rho"},
        new Object[] {(Runnable) () -> ScheduleSpec.edm(0.002, Double.NaN, 7), "schedule.sigma_max"},
        new Object[] {(Runnable) () -> spec(SolverKind.DDIM, TimestepSpacing.LINSPACE, 10, DdimSettings.unclipped(0.0)),
            "timesteps.spacing"},
        new Object[] {(Runnable) () -> spec(SolverKind.DEIS, TimestepSpacing.KARRAS, 10, DeisSettings.DIFFUSERS),
            "final_sigmas_type"},
        new Object[] {(Runnable) () -> new VeToVpDenoiser(VeGaussianMixture.standard(PredictionType.V)),
            "prediction_type"});
    for (Object[] b : bad) {
      ConfigException e = assertThrows(ConfigException.class, ((Runnable) b[0])::run);
      assertTrue(e.getMessage().startsWith("parameter '" + b[1] + "'"), e.getMessage());
    }
    ConfigException spacing = assertThrows(ConfigException.class,
        () -> spec(SolverKind.DDIM, TimestepSpacing.LINSPACE, 10, DdimSettings.unclipped(0.0)));
    assertTrue(spacing.getMessage().contains("use karras, logSNR"), spacing.getMessage());
  }
}
