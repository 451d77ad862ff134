package io.sampleforge.diffusion.continuous;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sample quality against model calls for every solver of the diffuse job, against an exact target:
 * the exact denoiser of a Gaussian mixture (K components with full covariances in D dimensions; the
 * means and covariances are keyed draws of the seed), N samples per (solver, NFE) from the keyed x_T,
 * compared with N exact draws of the mixture by the sliced Wasserstein-1 distance (128 directions)
 * and the unbiased MMD^2 (median-heuristic Gaussian kernel). The noise floor is the same distances
 * between two independent exact samples. Each solver runs on its diffuse-job default grid (diffusers'
 * defaults: linspace for the multistep solvers, leading for DDIM, logSNR for singlestep, Karras for
 * Euler/Heun, sigma_min end for DEIS), diffusers' linear betas over 1000 steps; Euler and Heun also with EDM's
 * churn (s_churn 40 on sigma in [0.05, 50], s_noise 1); the noise-prediction DPM-Solver 2M (sigma_min end, and
 * dpm-solver's time_uniform grid) beside DPM-Solver++ 2M on the same grids, and TS-DPM's DPM-Solver variant
 * ({@link TimeShiftedDpmSolver}, w 5, cutoff 300, time_uniform). Prints Markdown tables. An optional fifth argument
 * keeps only the rows whose label contains it (the floor and the p_T diagnostic always run).
 *
 * <pre>java -cp ... io.sampleforge.diffusion.continuous.SolverQualityBench [D] [K] [N] [SEED] [LABEL_FILTER]</pre>
 */
public final class SolverQualityBench {
  /** EDM's ImageNet churn window (Karras et al. 2022, table 5) with s_noise 1, as the denoiser here is exact. */
  static final EdmChurn EDM_CHURN = new EdmChurn(40.0, 0.05, 50.0, 1.0);

  private SolverQualityBench() {}

  /** A mixture of k components in d dimensions: means ~ N(0, 9 I / d^0.5)-ish spread, random SPD covariances. */
  static GaussianMixture mixture(int d, int k, long seed) {
    double[] w = new double[k];
    double[][] means = new double[k][d];
    double[][][] covs = new double[k][d][d];
    for (int c = 0; c < k; c++) {
      KeyedStream s = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, 1_000_000L + c);
      w[c] = 0.5 + s.uniform(0);
      for (int i = 0; i < d; i++) {
        means[c][i] = 2.0 * s.gaussian(1 + i);
      }
      // Sigma = A A^T / d + 0.05 I with A ~ N(0, 0.25): correlated, well conditioned, scale about 0.3
      double[][] a = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          a[i][j] = 0.5 * s.gaussian(1 + d + (long) i * d + j);
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double sum = 0;
          for (int m = 0; m < d; m++) {
            sum += a[i][m] * a[j][m];
          }
          double v = sum / d + (i == j ? 0.05 : 0.0);
          covs[c][i][j] = v;
          covs[c][j][i] = v;
        }
      }
    }
    return GaussianMixture.full(w, means, covs);
  }

  private record Solver(String label, SolverKind kind, Serializable settings, TimestepSpacing spacing, FinalSigma last,
      int callsPerStep) {}

  public static void main(String[] args) {
    int d = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 7;
    String only = args.length > 4 ? args[4] : "";
    GaussianMixture prior = mixture(d, k, seed);
    Denoiser model = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    SampleKey[] keys = new SampleKey[n];
    SampleKey[] exactKeys = new SampleKey[n];
    SampleKey[] floorKeys = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(i, 0);
      exactKeys[i] = new SampleKey(10_000_000L + i, 0);
      floorKeys[i] = new SampleKey(20_000_000L + i, 0);
    }
    GaussianDraws draws = new GaussianDraws(seed);
    double[] exact = draws.exactSamples(prior, exactKeys);
    double[] other = draws.exactSamples(prior, floorKeys);
    double floorSw = SampleDistance.slicedWasserstein(other, exact, d, 128, seed);
    double floorMmd = SampleDistance.mmd(other, exact, d, 1, 0.5, seed).mmd2();
    // the spread of the floor: 8 more independent exact samples against the same exact reference
    double[] floors = new double[8];
    double[] floorsMmd = new double[8];
    for (int f = 0; f < floors.length; f++) {
      SampleKey[] fk = new SampleKey[n];
      for (int i = 0; i < n; i++) {
        fk[i] = new SampleKey(30_000_000L + 1_000_000L * f + i, 0);
      }
      double[] y = draws.exactSamples(prior, fk);
      floors[f] = SampleDistance.slicedWasserstein(y, exact, d, 128, seed);
      floorsMmd[f] = SampleDistance.mmd(y, exact, d, 1, 0.5, seed).mmd2();
    }
    java.util.Arrays.sort(floors);
    java.util.Arrays.sort(floorsMmd);

    Solver[] solvers = {
        new Solver("DDIM (eta 0, leading)", SolverKind.DDIM, DdimSettings.unclipped(0.0), TimestepSpacing.LEADING,
            FinalSigma.ZERO, 1),
        new Solver("DDIM (eta 0, trailing)", SolverKind.DDIM, DdimSettings.unclipped(0.0), TimestepSpacing.TRAILING,
            FinalSigma.ZERO, 1),
        new Solver("DPM-Solver++ 2M", SolverKind.DPMSOLVER_PLUS_PLUS, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.LINSPACE, FinalSigma.ZERO, 1),
        new Solver("DPM-Solver++ 3M", SolverKind.DPMSOLVER_PLUS_PLUS, new DpmSolverSettings(3,
            DpmSolverSettings.SolverType.MIDPOINT, true, false, DpmSolverSettings.OrderRule.DIFFUSERS),
            TimestepSpacing.LINSPACE, FinalSigma.ZERO, 1),
        new Solver("DPM-Solver++ 2M, logSNR (dpm-solver grid, ends at t = 1/N_train)", SolverKind.DPMSOLVER_PLUS_PLUS,
            DpmSolverSettings.DIFFUSERS, TimestepSpacing.LOGSNR, FinalSigma.ZERO, 1),
        new Solver("DPM-Solver++ 2M, Karras", SolverKind.DPMSOLVER_PLUS_PLUS, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.KARRAS, FinalSigma.ZERO, 1),
        new Solver("DPM-Solver++ 2S (logSNR)", SolverKind.DPMSOLVER_SINGLESTEP, DpmSolverSinglestepSettings.DPM_SOLVER_2S,
            TimestepSpacing.LOGSNR, FinalSigma.ZERO, 1),
        new Solver("SDE-DPM-Solver++ 2M", SolverKind.SDE_DPMSOLVER_PLUS_PLUS, SdeDpmSolverSettings.DIFFUSERS,
            TimestepSpacing.LINSPACE, FinalSigma.ZERO, 1),
        new Solver("UniPC bh2", SolverKind.UNIPC, UniPcSettings.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 1),
        new Solver("UniPC bh2, logSNR", SolverKind.UNIPC, UniPcSettings.DIFFUSERS, TimestepSpacing.LOGSNR,
            FinalSigma.ZERO, 1),
        new Solver("UniPC bh1", SolverKind.UNIPC, UniPcSettings.of(2, UniPcSettings.Variant.BH1),
            TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 1),
        new Solver("DEIS 2 (sigma_min end)", SolverKind.DEIS, DeisSettings.DIFFUSERS, TimestepSpacing.LINSPACE,
            FinalSigma.SIGMA_MIN, 1),
        new Solver("Euler (Karras)", SolverKind.EULER, EdmSettings.EULER, TimestepSpacing.KARRAS, FinalSigma.ZERO, 1),
        new Solver("Heun (Karras)", SolverKind.HEUN, EdmSettings.HEUN, TimestepSpacing.KARRAS, FinalSigma.ZERO, 2),
        new Solver("Euler, churn 40 on [0.05, 50] (Karras)", SolverKind.EULER, EdmSettings.EULER.withChurn(EDM_CHURN),
            TimestepSpacing.KARRAS, FinalSigma.ZERO, 1),
        new Solver("Heun, churn 40 on [0.05, 50] (Karras; EDM algorithm 2)", SolverKind.HEUN,
            EdmSettings.HEUN.withChurn(EDM_CHURN), TimestepSpacing.KARRAS, FinalSigma.ZERO, 2),
        new Solver("DPM-Solver++ 2M (sigma_min end)", SolverKind.DPMSOLVER_PLUS_PLUS, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 1),
        new Solver("DPM-Solver 2M, noise prediction (sigma_min end)", SolverKind.DPMSOLVER, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 1),
        new Solver("DPM-Solver++ 2M, time_uniform", SolverKind.DPMSOLVER_PLUS_PLUS, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.TIME_UNIFORM, FinalSigma.ZERO, 1),
        new Solver("DPM-Solver 2M, noise prediction, time_uniform", SolverKind.DPMSOLVER, DpmSolverSettings.DIFFUSERS,
            TimestepSpacing.TIME_UNIFORM, FinalSigma.SIGMA_MIN, 1),
        new Solver("UniPC bh2, noise prediction (predict_x0 false)", SolverKind.UNIPC,
            UniPcSettings.DIFFUSERS.withPredictX0(false), TimestepSpacing.LINSPACE, FinalSigma.ZERO, 1),
        new Solver("UniPC bh2, noise prediction (predict_x0 false, sigma_min end)", SolverKind.UNIPC,
            UniPcSettings.DIFFUSERS.withPredictX0(false), TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 1),
        new Solver("SDE-DPM-Solver 2M, noise prediction (sde-dpmsolver, sigma_min end)", SolverKind.SDE_DPMSOLVER,
            SdeDpmSolverSettings.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 1),
    };
    int[] nfes = {5, 10, 20, 50};
    System.out.printf(Locale.ROOT, "Exact GMM target: D = %d, K = %d full-covariance components, N = %d samples per cell, "
        + "seed %d; diffusers' linear betas (1000 steps)%n", d, k, n, seed);
    System.out.printf(Locale.ROOT, "noise floor (two exact samples): sliced W1 %.4f, MMD^2 %.5f; over 8 more exact samples "
        + "against the same reference: sliced W1 %.4f .. %.4f, MMD^2 %.5f .. %.5f%n%n", floorSw, floorMmd, floors[0],
        floors[7], floorsMmd[0], floorsMmd[7]);
    Map<String, String[]> sw = new LinkedHashMap<>();
    Map<String, String[]> mmd = new LinkedHashMap<>();
    for (Solver s : solvers) {
      if (!s.label().contains(only)) {
        continue;
      }
      String[] a = new String[nfes.length];
      String[] b = new String[nfes.length];
      for (int j = 0; j < nfes.length; j++) {
        int steps = s.callsPerStep() == 2 ? (nfes[j] + 1) / 2 : nfes[j];
        SolverSpec spec = new SolverSpec(ScheduleSpec.DIFFUSERS, s.spacing(), s.last(), 0, s.kind(), steps, s.settings());
        GaussianSolver solver = spec.build();
        double[] x = solver.sample(model, keys, draws).samples();
        String calls = solver.modelCalls() == nfes[j] ? "" : " (" + solver.modelCalls() + ")";
        a[j] = String.format(Locale.ROOT, "%.4f%s", SampleDistance.slicedWasserstein(x, exact, d, 128, seed), calls);
        b[j] = String.format(Locale.ROOT, "%.5f", SampleDistance.mmd(x, exact, d, 1, 0.5, seed).mmd2());
      }
      sw.put(s.label(), a);
      mmd.put(s.label(), b);
    }
    // diagnostic: the ODE solvers' limit sits above the floor; start DPM-Solver++ 2M from x_T drawn from the
    // exact p_T (x_T = alpha_T x0 + sigma_T eps with an exact x0) instead of N(0, I)
    String[] fromPt = new String[nfes.length];
    String[] fromPtMmd = new String[nfes.length];
    for (int j = 0; j < nfes.length; j++) {
      TimeGrid grid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, nfes[j], 0,
          FinalSigma.ZERO);
      NoiseLevel top = grid.level(0);
      double[] x0 = draws.exactSamples(prior, keys);
      double[] eps = draws.initialNoise(keys, d);
      double[] xT = new double[x0.length];
      for (int i = 0; i < xT.length; i++) {
        xT[i] = top.alpha() * x0[i] + top.sigma() * eps[i];
      }
      double[] x = new DpmSolverPlusPlus(grid, DpmSolverSettings.DIFFUSERS).run(model, xT, keys, draws).samples();
      fromPt[j] = String.format(Locale.ROOT, "%.4f", SampleDistance.slicedWasserstein(x, exact, d, 128, seed));
      fromPtMmd[j] = String.format(Locale.ROOT, "%.5f", SampleDistance.mmd(x, exact, d, 1, 0.5, seed).mmd2());
    }
    String ts = "TS-DPM: DPM-Solver 2M, noise prediction, time_uniform, time shift w 5, cutoff 300";
    if (ts.contains(only)) {
      String[] a = new String[nfes.length];
      String[] b = new String[nfes.length];
      for (int j = 0; j < nfes.length; j++) {
        DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
        double[] x = new TimeShiftedDpmSolver(TimeGrid.dpmSolver(schedule, SkipType.TIME_UNIFORM, nfes[j]),
            DpmSolverSettings.DIFFUSERS, schedule, new TimeShiftSettings(5, 300)).sample(model, keys, draws).samples();
        a[j] = String.format(Locale.ROOT, "%.4f", SampleDistance.slicedWasserstein(x, exact, d, 128, seed));
        b[j] = String.format(Locale.ROOT, "%.5f", SampleDistance.mmd(x, exact, d, 1, 0.5, seed).mmd2());
      }
      sw.put(ts, a);
      mmd.put(ts, b);
    }
    sw.put("DPM-Solver++ 2M from x_T ~ p_T (exact) instead of N(0, I)", fromPt);
    mmd.put("DPM-Solver++ 2M from x_T ~ p_T (exact) instead of N(0, I)", fromPtMmd);
    print("Sliced Wasserstein-1 to exact draws (model calls in brackets where they differ from the column)", nfes, sw);
    print("MMD^2 to exact draws", nfes, mmd);
  }

  private static void print(String title, int[] nfes, Map<String, String[]> rows) {
    System.out.println(title + ":");
    System.out.println();
    StringBuilder h = new StringBuilder("| solver |");
    StringBuilder r = new StringBuilder("|---|");
    for (int nfe : nfes) {
      h.append(" NFE ").append(nfe).append(" |");
      r.append("---:|");
    }
    System.out.println(h);
    System.out.println(r);
    rows.forEach((k, v) -> System.out.println("| " + k + " | " + String.join(" | ", v) + " |"));
    System.out.println();
  }
}
