package io.sampleforge.diffusion.continuous;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Fits DC-Solver's per-step compensation ratios (Zhao et al., ECCV 2024) for UniPC and measures what they
 * buy, on the exact denoiser of {@link SolverQualityBench}'s Gaussian mixture. The fit follows the
 * reference's search stage ({@code _step_search} of wl-zhao/DC-Solver): for steps i >= dc_order (2) in
 * order, rho_i minimises the mean squared distance between the solver's corrected state at level i + 1
 * (its output at the last step) and a fine reference trajectory at the same timestep, with the ratios of
 * earlier steps fixed. The reference trajectory is UniPC (bh2) on all 999 integer timesteps (the reference
 * uses 999-step DDIM), from the same x_T; the minimiser is golden-section search on [0.5, 1.5] (the
 * reference: 20 AdamW steps, optionally tanh-bounded to the same interval). Ratios are fitted on {@code
 * FIT} rows and evaluated on {@code N} other rows: sliced Wasserstein-1 (128 directions) and MMD^2 to N
 * exact draws, as {@link SolverQualityBench}, with the noise floor. Prints a Markdown table.
 *
 * <pre>java -cp ... io.sampleforge.diffusion.continuous.DcRatioSearch [D] [K] [N] [FIT] [SEED] [NFE,...]</pre>
 */
public final class DcRatioSearch {
  private DcRatioSearch() {}

  private static SampleKey[] keys(long from, int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(from + i, 0);
    }
    return k;
  }

  private static double mse(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s / a.length;
  }

  /** The fitted ratios for an n-step linspace UniPC grid. */
  static List<Double> fit(Denoiser model, DiscreteVpSchedule schedule, int n, double[] xT, SampleKey[] keys,
      double[][] fineByTimestep, double[] fineFinal) {
    TimeGrid grid = TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, n, 0, FinalSigma.ZERO);
    int[] ts = DiffusersSpacing.LINSPACE.dpmSolverTimesteps(1000, n, 0);
    Double[] ratios = new Double[n];
    Arrays.fill(ratios, 1.0);
    int order = DynamicCompensation.OFF.order();
    for (int i = order; i < n; i++) {
      double[] target = i + 1 < n ? fineByTimestep[ts[i + 1]] : fineFinal;
      final int step = i;
      java.util.function.DoubleUnaryOperator loss = rho -> {
        Double[] trial = ratios.clone();
        trial[step] = rho;
        UniPc solver = new UniPc(grid, UniPcSettings.DIFFUSERS.withCompensation(
            new DynamicCompensation(order, Arrays.asList(trial))));
        return mse(solver.trajectory(model, xT, keys)[step + 1], target);
      };
      double lo = 0.5;
      double hi = 1.5;
      double g = (Math.sqrt(5) - 1) / 2;
      double a = hi - g * (hi - lo);
      double b = lo + g * (hi - lo);
      double fa = loss.applyAsDouble(a);
      double fb = loss.applyAsDouble(b);
      for (int it = 0; it < 30; it++) {
        if (fa < fb) {
          hi = b;
          b = a;
          fb = fa;
          a = hi - g * (hi - lo);
          fa = loss.applyAsDouble(a);
        } else {
          lo = a;
          a = b;
          fa = fb;
          b = lo + g * (hi - lo);
          fb = loss.applyAsDouble(b);
        }
      }
      double best = (lo + hi) / 2;
      ratios[i] = loss.applyAsDouble(best) <= loss.applyAsDouble(1.0) ? best : 1.0;
    }
    return Arrays.asList(ratios);
  }

  public static void main(String[] args) {
    int d = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int fitRows = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 7;
    int[] nfes = Arrays.stream((args.length > 5 ? args[5] : "5,6,8,10").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    GaussianMixture prior = SolverQualityBench.mixture(d, k, seed);
    Denoiser model = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    DiscreteVpSchedule schedule = new DiscreteVpSchedule(BetaSchedule.LINEAR, 1000, 1e-4, 0.02);
    GaussianDraws draws = new GaussianDraws(seed);
    SampleKey[] fitKeys = keys(50_000_000L, fitRows);
    double[] fitXT = draws.initialNoise(fitKeys, d);
    long t0 = System.nanoTime();
    UniPc fine = new UniPc(TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, 999, 0, FinalSigma.ZERO),
        UniPcSettings.DIFFUSERS);
    double[][] states = fine.trajectory(model, fitXT, fitKeys);
    int[] fineTs = DiffusersSpacing.LINSPACE.dpmSolverTimesteps(1000, 999, 0);
    double[][] byTimestep = new double[1000][];
    for (int i = 0; i < fineTs.length; i++) {
      byTimestep[fineTs[i]] = states[i];
    }
    double[] fineFinal = states[states.length - 1];
    SampleKey[] evalKeys = keys(0, n);
    double[] exact = draws.exactSamples(prior, keys(10_000_000L, n));
    double floor = SampleDistance.slicedWasserstein(draws.exactSamples(prior, keys(20_000_000L, n)), exact, d, 128,
        seed);
    double floorMmd = SampleDistance.mmd(draws.exactSamples(prior, keys(20_000_000L, n)), exact, d, 1, 0.5, seed)
        .mmd2();
    System.out.printf(Locale.ROOT, "%n### DC-Solver on UniPC (bh2, order 2, linspace, final 0): D = %d, K = %d, N = %d "
        + "evaluation rows, ratios fitted on %d other rows (seed %d)%n%n", d, k, n, fitRows, seed);
    System.out.println("| NFE | UniPC SW1 | DC-Solver SW1 | UniPC MMD^2 | DC-Solver MMD^2 | fitted ratios (steps 2..) "
        + "| fit seconds |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> lines = new ArrayList<>();
    for (int nfe : nfes) {
      long f0 = System.nanoTime();
      List<Double> ratios = fit(model, schedule, nfe, fitXT, fitKeys, byTimestep, fineFinal);
      double fitSeconds = (System.nanoTime() - f0) / 1e9;
      TimeGrid grid = TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, nfe, 0, FinalSigma.ZERO);
      double[] plain = new UniPc(grid, UniPcSettings.DIFFUSERS).sample(model, evalKeys, draws).samples();
      double[] dc = new UniPc(grid, UniPcSettings.DIFFUSERS.withCompensation(new DynamicCompensation(2, ratios)))
          .sample(model, evalKeys, draws).samples();
      StringBuilder r = new StringBuilder();
      for (int i = 2; i < ratios.size(); i++) {
        r.append(i > 2 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", ratios.get(i)));
      }
      System.out.printf(Locale.ROOT, "| %d | %.4f | %.4f | %.5f | %.5f | %s | %.1f |%n", nfe,
          SampleDistance.slicedWasserstein(plain, exact, d, 128, seed),
          SampleDistance.slicedWasserstein(dc, exact, d, 128, seed),
          SampleDistance.mmd(plain, exact, d, 1, 0.5, seed).mmd2(), SampleDistance.mmd(dc, exact, d, 1, 0.5, seed).mmd2(),
          r, fitSeconds);
    }
    System.out.printf(Locale.ROOT, "| noise floor (two exact samples) | %.4f | | %.5f | | | |%n", floor, floorMmd);
    System.out.printf(Locale.ROOT, "%nreference trajectory (999 UniPC steps on %d rows): %.1f s%n", fitRows,
        (System.nanoTime() - t0) / 1e9);
  }
}
