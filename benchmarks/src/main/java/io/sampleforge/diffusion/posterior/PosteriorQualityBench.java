package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.FkcResult;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Posterior sample quality against the exact posterior on the MCGdiff/TDS Gaussian-mixture benchmark
 * ({@link GridGmmProblem}): for each d and d_y, M measurements y (random A, sigma_y), and for each
 * sampler N draws compared with N exact posterior draws ({@link LowRankPosterior}) by the sliced
 * Wasserstein-1 distance ({@link SampleDistance#slicedWasserstein}, P directions); the noise floor is
 * the same distance between two independent exact samples. Reported per cell: the median over the M
 * measurements, and the mean sampler seconds per measurement (N draws). Samplers, all on diffusers' linear
 * betas, linspace, clean end (the posterior job's schedule.type vp; NFE = steps):
 * <ul>
 *   <li>TDS ({@link TwistedDiffusionSampler}, ESS threshold 0.5, twist scale 1, no final resample): N
 *       independent groups of K particles for the same y (group ids 0 .. N - 1), each group contributing
 *       one particle picked by its final weights at a keyed uniform (as the posterior job draws).</li>
 *   <li>guided: the same sampler with K = 1 (one particle per group, no weights): the plain twisted-score
 *       guided sampler without SMC correction.</li>
 *   <li>DPS ({@link DpsSampler}) at each step scale of the grid; the table keeps the best by median SW
 *       (chosen on the same measurements: optimistic for DPS) and names it.</li>
 *   <li>prior: N exact prior draws (the unconditioned worst case); exact: the noise floor column.</li>
 * </ul>
 * A second table masks instead ({@link GridGmmProblem#maskOperator}: the first d_y coordinates observed
 * exactly, sigma_y = 0, new measurements): the replacement sampler ({@link ReplacementSampler}, RePaint;
 * without jumps, and with 3 jumps of length 5, NFE its model calls) against DPS and the prior; TDS needs
 * sigma_y > 0 and is not run there.
 *
 * <pre>java -cp ... io.sampleforge.diffusion.posterior.PosteriorQualityBench [key=value ...]
 *   d=8,80,800 dy=1,2,4 sigma=1 seed=7 proj=256 dps=0.1,0.3,1,3,10, and per dimension D the keys nD (draws N),
 *   mD (measurements M), kD (particle counts) and nfeD, defaults in {@link #DEFAULTS}; n, m, k, nfe without a
 *   dimension apply to every d where no nD ... is given; tables=dense,mask (default both) picks the tables</pre>
 */
public final class PosteriorQualityBench {
  private PosteriorQualityBench() {}

  /** One table row's measurements. */
  private static final class Cell {
    final String sampler;
    final String k;
    final int nfe;
    final List<Double> sw = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    double seconds;

    Cell(String sampler, String k, int nfe) {
      this.sampler = sampler;
      this.k = k;
      this.nfe = nfe;
    }
  }

  private static final int MAX_ROWS_PER_BATCH = 4096;

  /**
   * The default run's per-dimension sizes, chosen to need about 10 minutes of one core for both tables (one
   * thread; about 20 minutes of wall time on the shared 2-core VM under load): the full K x NFE grid at d = 8; fewer draws
   * and measurements at d = 80, and fewer again with K <= 16 and NFE 50 only at d = 800, where one row-step
   * of TDS costs about 15x and 60x that at d = 8. Any key=value argument overrides.
   */
  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("n8", "500"), Map.entry("m8", "3"), Map.entry("k8", "4,16,64"), Map.entry("nfe8", "20,50,100"),
      Map.entry("n80", "300"), Map.entry("m80", "2"), Map.entry("k80", "4,16,64"), Map.entry("nfe80", "20,50"),
      Map.entry("n800", "200"), Map.entry("m800", "2"), Map.entry("k800", "4,16"), Map.entry("nfe800", "50"));

  public static void main(String[] args) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("arguments are key=value; got '" + a + "'");
      }
      opt.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int[] dims = ints(opt.getOrDefault("d", "8,80,800"));
    int[] dys = ints(opt.getOrDefault("dy", "1,2,4"));
    double sigmaY = Double.parseDouble(opt.getOrDefault("sigma", "1"));
    long seed = Long.parseLong(opt.getOrDefault("seed", "7"));
    int proj = Integer.parseInt(opt.getOrDefault("proj", "256"));
    double[] dpsScales = doubles(opt.getOrDefault("dps", "0.1,0.3,1,3,10"));
    System.out.printf(Locale.ROOT, "PosteriorQualityBench %s%n", String.join(" ", args));
    System.out.printf(Locale.ROOT, "JVM: %d available processors, java %s, %s; single-threaded%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.arch"));
    System.out.printf(Locale.ROOT, "Setting: 25-component grid prior (means 8 (i, j, i, j, ...), identity covariances, "
        + "equal weights); A = U diag(s) V^T, s ~ U(0, 1) sorted; sigma_y = %s; y = A x* + sigma_y z, x* a prior draw; "
        + "SW = sliced Wasserstein-1 over %d directions to N exact posterior draws; medians over M measurements; "
        + "DPS step scales %s (best per NFE shown); TDS ess_threshold 0.5, twist_scale 1%n", trim(sigmaY), proj,
        opt.getOrDefault("dps", "0.1,0.3,1,3,10"));
    for (int d : dims) {
      System.out.printf(Locale.ROOT, "d = %d: N = %s draws, M = %s measurements, K = %s, NFE = %s%n", d,
          perDimension(opt, "n", d, "1000"), perDimension(opt, "m", d, "5"),
          perDimension(opt, "k", d, "4,16,64"),
          perDimension(opt, "nfe", d, "20,50,100"));
    }
    List<String> tables = Arrays.asList(opt.getOrDefault("tables", "dense,mask").split(","));
    if (tables.contains("dense")) {
      System.out.println();
      System.out.println("| d | d_y | sampler | K | NFE | SW median | SW noise floor | s per measurement |");
      System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|");
      for (int d : dims) {
        int m = Integer.parseInt(perDimension(opt, "m", d, "5"));
        int n = Integer.parseInt(perDimension(opt, "n", d, "1000"));
        int[] ks = ints(perDimension(opt, "k", d, "4,16,64"));
        int[] nfes = ints(perDimension(opt, "nfe", d, "20,50,100"));
        for (int dy : dys) {
          runSetting(d, dy, m, n, ks, nfes, dpsScales, sigmaY, seed, proj);
        }
      }
    }
    if (!tables.contains("mask")) {
      return;
    }
    System.out.println();
    System.out.println("Masked rows (d_y shown as 'N mask'; other measurements than the dense table's): the first d_y "
        + "coordinates observed exactly (sigma_y = 0), "
        + "the replacement sampler (RePaint; jumps r with jump length 5 where r > 1; NFE = its model calls) against "
        + "DPS and the prior; TDS needs sigma_y > 0 and has no row here.");
    System.out.println();
    System.out.println("| d | d_y | sampler | K | NFE | SW median | SW noise floor | s per measurement |");
    System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|");
    for (int d : dims) {
      int m = Integer.parseInt(perDimension(opt, "m", d, "5"));
      int n = Integer.parseInt(perDimension(opt, "n", d, "1000"));
      int[] nfes = ints(perDimension(opt, "nfe", d, "20,50,100"));
      for (int dy : dys) {
        runMaskSetting(d, dy, m, n, nfes, dpsScales, seed, proj);
      }
    }
  }

  private static void runMaskSetting(int d, int dy, int m, int n, int[] nfes, double[] dpsScales, long seed, int proj) {
    GaussianMixture prior = GridGmmProblem.prior(d);
    GaussianMixtureJacobian model = new GaussianMixtureJacobian(prior);
    GaussianMixtureDenoiser plain = new GaussianMixtureDenoiser(prior, PredictionType.SAMPLE);
    MaskOperator op = GridGmmProblem.maskOperator(d, dy, 0.0);
    Map<String, Cell> cells = new LinkedHashMap<>();
    List<Double> floors = new ArrayList<>();
    SampleKey[] refKeys = keys(0, n);
    SampleKey[] floorKeys = keys(n, n);
    for (int j = 0; j < m; j++) {
      Measurement y = GridGmmProblem.measure(prior, op, seed, 100 + j);
      LowRankPosterior exact = LowRankPosterior.of(prior, y);
      long drawSeed = Hash64.combine(seed, 2000 + j);
      double[] ref = exact.sample(drawSeed, refKeys);
      floors.add(SampleDistance.slicedWasserstein(exact.sample(drawSeed, floorKeys), ref, d, proj, seed));
      GaussianDraws draws = new GaussianDraws(drawSeed);
      long t0 = System.nanoTime();
      double[] priorDraws = draws.exactSamples(prior, keys(0, n));
      record(cells, "prior (exact draws)", "-", 0, t0, SampleDistance.slicedWasserstein(priorDraws, ref, d, proj, seed));
      for (int nfe : nfes) {
        TimeGrid grid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, nfe, 0,
            FinalSigma.ZERO);
        for (int r : new int[] {1, 3}) {
          ReplacementSampler rs = new ReplacementSampler(grid, 5, r);
          String label = r == 1 ? "replacement" : "replacement (jumps " + r + ", jump length 5)";
          t0 = System.nanoTime();
          try {
            double[] x = rs.sample(plain, new Measurement[] {y}, n, draws);
            checkFinite(x);
            record(cells, label, "-", (int) rs.modelCalls(), t0, SampleDistance.slicedWasserstein(x, ref, d, proj, seed));
          } catch (RuntimeException e) {
            fail(cells, label, "-", (int) rs.modelCalls(), t0, e);
          }
        }
        for (double scale : dpsScales) {
          t0 = System.nanoTime();
          String label = String.format(Locale.ROOT, "DPS (step scale %s)", trim(scale));
          try {
            double[] x = new DpsSampler(grid, scale).sample(model, new Measurement[] {y}, n, draws);
            checkFinite(x);
            record(cells, label, "-", nfe, t0, SampleDistance.slicedWasserstein(x, ref, d, proj, seed));
          } catch (RuntimeException e) {
            fail(cells, label, "-", nfe, t0, e);
          }
        }
      }
    }
    print(cells, d, dy + " mask", median(floors), m);
  }

  /** key + d if given, else key if given, else the default run's key + d, else {@code fallback}. */
  private static String perDimension(Map<String, String> opt, String key, int d, String fallback) {
    String v = opt.get(key + d);
    if (v == null) {
      v = opt.get(key);
    }
    if (v == null) {
      v = DEFAULTS.get(key + d);
    }
    return v == null ? fallback : v;
  }

  private static void runSetting(int d, int dy, int m, int n, int[] ks, int[] nfes, double[] dpsScales, double sigmaY,
      long seed, int proj) {
    GaussianMixture prior = GridGmmProblem.prior(d);
    GaussianMixtureJacobian model = new GaussianMixtureJacobian(prior);
    Map<String, Cell> cells = new LinkedHashMap<>();
    List<Double> floors = new ArrayList<>();
    SampleKey[] refKeys = keys(0, n);
    SampleKey[] floorKeys = keys(n, n);
    for (int j = 0; j < m; j++) {
      DenseLinearOperator op = new DenseLinearOperator(GridGmmProblem.randomOperator(d, dy, seed, j), sigmaY);
      Measurement y = GridGmmProblem.measure(prior, op, seed, j);
      LowRankPosterior exact = LowRankPosterior.of(prior, y);
      long drawSeed = Hash64.combine(seed, 1000 + j);
      double[] ref = exact.sample(drawSeed, refKeys);
      floors.add(SampleDistance.slicedWasserstein(exact.sample(drawSeed, floorKeys), ref, d, proj, seed));
      GaussianDraws draws = new GaussianDraws(drawSeed);
      long t0 = System.nanoTime();
      double[] priorDraws = draws.exactSamples(prior, keys(0, n));
      record(cells, "prior (exact draws)", "-", 0, t0, SampleDistance.slicedWasserstein(priorDraws, ref, d, proj, seed));
      for (int nfe : nfes) {
        TimeGrid grid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, nfe, 0,
            FinalSigma.ZERO);
        t0 = System.nanoTime();
        tds(cells, "guided (TDS K = 1, no weights)", 1, nfe, grid, model, y, n, draws, ref, d, proj, seed, t0);
        for (int k : ks) {
          tds(cells, "TDS", k, nfe, grid, model, y, n, draws, ref, d, proj, seed, System.nanoTime());
        }
        for (double scale : dpsScales) {
          t0 = System.nanoTime();
          String label = String.format(Locale.ROOT, "DPS (step scale %s)", trim(scale));
          try {
            double[] x = new DpsSampler(grid, scale).sample(model, new Measurement[] {y}, n, draws);
            checkFinite(x);
            record(cells, label, "-", nfe, t0, SampleDistance.slicedWasserstein(x, ref, d, proj, seed));
          } catch (RuntimeException e) {
            fail(cells, label, "-", nfe, t0, e);
          }
        }
      }
    }
    print(cells, d, Integer.toString(dy), median(floors), m);
  }

  /** The rows of one setting; of the DPS step scales, only the best per NFE (by median SW). */
  private static void print(Map<String, Cell> cells, int d, String dy, double floor, int m) {
    Map<Integer, Cell> bestDps = new LinkedHashMap<>();
    for (Cell c : cells.values()) {
      if (c.sampler.startsWith("DPS") && c.failures.isEmpty()) {
        Cell b = bestDps.get(c.nfe);
        if (b == null || median(c.sw) < median(b.sw)) {
          bestDps.put(c.nfe, c);
        }
      }
    }
    for (Cell c : cells.values()) {
      if (c.sampler.startsWith("DPS") && c.failures.isEmpty() && bestDps.get(c.nfe) != c) {
        continue;
      }
      String label = c.sampler.startsWith("DPS") && c.failures.isEmpty()
          ? c.sampler.replace(")", ", best of " + dpsGrid(cells, c.nfe) + ")") : c.sampler;
      String sw = c.sw.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(c.sw));
      if (!c.failures.isEmpty()) {
        sw += String.format(Locale.ROOT, " (diverged in %d of %d: %s)", c.failures.size(), c.failures.size() + c.sw.size(),
            c.failures.get(0));
      }
      System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %.3f | %.2f |%n", d, dy, label, c.k,
          c.nfe == 0 ? "-" : Integer.toString(c.nfe), sw, floor, c.seconds / m);
    }
    System.out.flush();
  }

  private static void tds(Map<String, Cell> cells, String label, int k, int nfe, TimeGrid grid,
      GaussianMixtureJacobian model, Measurement y, int n, GaussianDraws draws, double[] ref, int d, int proj, long seed,
      long t0) {
    TwistedDiffusionSampler sampler = new TwistedDiffusionSampler(grid,
        TwistedDiffusionSampler.settings(k, k == 1 ? 0.0 : 0.5, false), 1.0);
    double[] out = new double[n * d];
    int batch = Math.max(1, MAX_ROWS_PER_BATCH / k);
    try {
      for (int from = 0; from < n; from += batch) {
        int groups = Math.min(batch, n - from);
        Measurement[] rows = new Measurement[groups];
        for (int g = 0; g < groups; g++) {
          rows[g] = new Measurement(from + g, y.operator(), y.y());
        }
        FkcResult r = sampler.sample(model, rows, draws);
        for (int g = 0; g < groups; g++) {
          long id = from + g;
          double u = KeyedStream.of(draws.seed(), RandomPurpose.POSTERIOR_DRAW, Hash64.combine(id, 0)).uniform(0);
          int pick = k - 1;
          double c = 0;
          for (int q = 0; q < k; q++) {
            c += r.weights()[g * k + q];
            if (u < c) {
              pick = q;
              break;
            }
          }
          System.arraycopy(r.samples(), (g * k + pick) * d, out, (from + g) * d, d);
        }
      }
      checkFinite(out);
      record(cells, label, Integer.toString(k), nfe, t0, SampleDistance.slicedWasserstein(out, ref, d, proj, seed));
    } catch (RuntimeException e) {
      fail(cells, label, Integer.toString(k), nfe, t0, e);
    }
  }

  private static void record(Map<String, Cell> cells, String label, String k, int nfe, long t0, double sw) {
    Cell c = cells.computeIfAbsent(label + "|" + k + "|" + nfe, key -> new Cell(label, k, nfe));
    c.sw.add(sw);
    c.seconds += (System.nanoTime() - t0) / 1e9;
  }

  private static void fail(Map<String, Cell> cells, String label, String k, int nfe, long t0, RuntimeException e) {
    Cell c = cells.computeIfAbsent(label + "|" + k + "|" + nfe, key -> new Cell(label, k, nfe));
    String msg = String.valueOf(e.getMessage());
    c.failures.add(msg.length() > 120 ? msg.substring(0, 120) + "..." : msg);
    c.seconds += (System.nanoTime() - t0) / 1e9;
  }

  private static String dpsGrid(Map<String, Cell> cells, int nfe) {
    List<String> s = new ArrayList<>();
    for (Cell c : cells.values()) {
      if (c.sampler.startsWith("DPS") && c.nfe == nfe) {
        s.add(c.sampler.replaceAll(".*scale ([^)]*)\\).*", "$1") + (c.failures.isEmpty() ? "" : " (diverged)"));
      }
    }
    return String.join("/", s);
  }

  private static void checkFinite(double[] x) {
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalStateException("non-finite sample value " + x[i] + " at index " + i);
      }
    }
  }

  private static SampleKey[] keys(long from, int n) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(from + i, 0);
    }
    return k;
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static int[] ints(String s) {
    return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static double[] doubles(String s) {
    return Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
  }
}
