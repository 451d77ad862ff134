package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exactness frontier of issue 21 on the Markov oracle: {@link ParallelDecodingSampler} with every
 * commit rule ({@link CommitRule.Threshold} tau in {1, 0.99, 0.95, 0.9, 0.7, 0.5}, {@link
 * CommitRule.Factor} f in {0.5, 1, 2}, {@link CommitRule.Profile} delta in {0.25, 0.5}, issue 21's
 * grid, refined with tau 0.98, 0.97, 0.8, 0.6, f 0.1, 0.25 and delta 0.75, 0.9) and both
 * {@link ConfidenceKind}s, one block over the whole sequence, temperature 1, against the exact law of
 * two chains of length 12: the near-deterministic 5-state chain of ParallelDecodingLawTest (uniform
 * start, self-transition 0.98) and the moderately entropic chain of {@link MarkovOracleBench}
 * (self-transition 0.82). Reference line: the first-hitting sampler at 1 (exact), 2, 3, 4 tokens per
 * call. Per row: mean NFE, mean tokens per step, total variation of the adjacent-pair marginals (mean
 * and max over the 11 pairs), the largest adjacent-pair chi-square and its Bonferroni p-value over
 * the 11 pairs ("detectable" when below 0.001), and the chi-square of the end pair (x_0, x_11), where
 * the drawn confidence's bias shows most (ParallelDecodingLawTest); the noise floor is the exact expected TV at N
 * ({@link OracleDistances#expectedExactTv}). After each table: the smallest NFE per rule and kind whose
 * error is not detectable, and whether the TV is non-decreasing as tau falls within sampling error
 * (a decrease counts only when larger than twice the floor: by the triangle inequality each estimate
 * is off by at most its own sample's TV to the sampled law, of the order of the floor).
 *
 * <pre>java -cp ... io.sampleforge.diffusion.discrete.ParallelFrontierBench [N] [SEED]</pre>
 */
public final class ParallelFrontierBench {
  static final int LENGTH = 12;
  static final double ALPHA = 1e-3;
  static final double[] TAUS = {1.0, 0.99, 0.98, 0.97, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5};
  static final double[] FACTORS = {0.1, 0.25, 0.5, 1, 2};
  static final double[] MARGINS = {0.25, 0.5, 0.75, 0.9};

  private ParallelFrontierBench() {}

  record Row(String family, String parameter, ConfidenceKind kind, double nfe, double tokensPerStep, double tvMean,
      double tvMax, ChiSquare worst, double pBonferroni, ChiSquare ends) {
    boolean detectable() {
      return pBonferroni < ALPHA;
    }
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 7;
    run("near-deterministic chain (ParallelDecodingLawTest: uniform start, self-transition 0.98, 0.005 to each other state)",
        ParallelDecodingTest.stickyChain(LENGTH), n, seed);
    run("higher-entropy chain (MarkovOracleBench: start (0.4, 0.3, 0.15, 0.1, 0.05), self 0.82, next 0.12, others 0.02)",
        new MarkovChainDenoiser(MarkovOracleBench.stickyChain(LENGTH)), n, seed);
  }

  static void run(String title, MarkovChainDenoiser model, int n, long seed) {
    MarkovChain chain = model.chain();
    double floorMean = 0;
    double floorMax = 0;
    for (int i = 0; i + 1 < LENGTH; i++) {
      double f = OracleDistances.expectedExactTv(chain, i, i + 1, n);
      floorMean += f / (LENGTH - 1);
      floorMax = Math.max(floorMax, f);
    }
    System.out.printf(Locale.ROOT, "### %s%n%nLength %d, one block of %d, temperature 1, N = %d sequences per row, seed %d. "
        + "Noise floor (expected adjacent-pair TV of N exact draws): mean %.4f, largest single pair %.4f. "
        + "Detectable: Bonferroni p over the %d adjacent pairs < %.0e.%n%n",
        title, LENGTH, LENGTH, n, seed, floorMean, floorMax, LENGTH - 1, ALPHA);
    System.out.println("| sampler | confidence | NFE per sequence | tokens per step | TV adjacent (mean) | TV adjacent (max) "
        + "| largest adjacent chi-square (dof) | Bonferroni p | detectable at N | end pair (x_0, x_11) chi-square (dof) |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
    for (int k : new int[] {1, 2, 3, 4}) {
      Row r = measure("first-hitting", k + " per call" + (k == 1 ? " (exact)" : ""), null,
          new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.LOG_LINEAR, k), seed), model, n);
      print(r);
    }
    Map<String, List<Row>> families = new LinkedHashMap<>();
    for (ConfidenceKind kind : ConfidenceKind.values()) {
      for (double tau : TAUS) {
        add(families, measure("threshold", "tau " + tau, kind, parallel(kind, new CommitRule.Threshold(tau), seed), model, n));
      }
      for (double f : FACTORS) {
        add(families, measure("factor", "f " + f, kind, parallel(kind, new CommitRule.Factor(f), seed), model, n));
      }
      for (double delta : MARGINS) {
        add(families, measure("frechet_profile", "delta " + delta, kind, parallel(kind, new CommitRule.Profile(delta), seed),
            model, n));
      }
    }
    families.values().forEach(rows -> rows.forEach(ParallelFrontierBench::print));

    System.out.printf(Locale.ROOT, "%nSmallest NFE whose error is not detectable at N = %d:%n%n", n);
    System.out.println("| rule | confidence | smallest undetectable NFE | at | TV adjacent (mean) | fewest NFE in the sweep |");
    System.out.println("|---|---|---:|---|---:|---:|");
    for (List<Row> rows : families.values()) {
      Row best = null;
      Row fastest = rows.get(0);
      for (Row r : rows) {
        if (!r.detectable() && (best == null || r.nfe() < best.nfe())) {
          best = r;
        }
        if (r.nfe() < fastest.nfe()) {
          fastest = r;
        }
      }
      Row first = rows.get(0);
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f |%n", first.family(), first.kind().id(),
          best == null ? "none (all detectable)" : String.format(Locale.ROOT, "%.2f", best.nfe()),
          best == null ? "-" : best.parameter(), best == null ? "-" : String.format(Locale.ROOT, "%.4f", best.tvMean()),
          fastest.nfe());
    }

    System.out.printf(Locale.ROOT, "%nMonotonicity in tau (TV adjacent mean as tau falls through %s; a decrease beyond 2 x floor "
        + "= %.4f would be a violation):%n%n", java.util.Arrays.toString(TAUS), 2 * floorMean);
    for (List<Row> rows : families.values()) {
      if (!rows.get(0).family().equals("threshold")) {
        continue;
      }
      StringBuilder seq = new StringBuilder();
      double largestDrop = 0;
      for (int t = 0; t < rows.size(); t++) {
        seq.append(t == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", rows.get(t).tvMean()));
        if (t > 0) {
          largestDrop = Math.max(largestDrop, rows.get(t - 1).tvMean() - rows.get(t).tvMean());
        }
      }
      System.out.printf(Locale.ROOT, "- %s: %s; largest decrease %.4f: %s%n", rows.get(0).kind().id(), seq,
          largestDrop, largestDrop <= 0 ? "non-decreasing" : largestDrop <= 2 * floorMean
              ? "non-decreasing within sampling error" : "DECREASES beyond sampling error");
    }
    System.out.println();
  }

  static ParallelDecodingSampler parallel(ConfidenceKind kind, CommitRule rule, long seed) {
    return new ParallelDecodingSampler(new ParallelDecodingSettings(LENGTH, LENGTH, 1.0, kind, rule), seed);
  }

  static void add(Map<String, List<Row>> families, Row r) {
    families.computeIfAbsent(r.family() + "/" + r.kind(), k -> new ArrayList<>()).add(r);
  }

  static Row measure(String family, String parameter, ConfidenceKind kind, MaskedDiffusionSampler sampler,
      MarkovChainDenoiser model, int n) {
    MarkovChain chain = model.chain();
    List<DiffusionSample> samples = OracleDistances.draw(sampler, model, n);
    double calls = samples.stream().mapToInt(DiffusionSample::modelCalls).average().orElse(0);
    double tvSum = 0;
    double tvMax = 0;
    ChiSquare worst = null;
    for (int i = 0; i + 1 < LENGTH; i++) {
      double tv = OracleDistances.pairTv(chain, samples, i, i + 1);
      tvSum += tv;
      tvMax = Math.max(tvMax, tv);
      ChiSquare c = OracleDistances.pairChiSquare(chain, samples, i, i + 1);
      if (worst == null || c.pValue() < worst.pValue() || (c.pValue() == worst.pValue() && c.statistic() > worst.statistic())) {
        worst = c;
      }
    }
    double tokensPerStep = LENGTH / calls;
    return new Row(family, parameter, kind, calls, tokensPerStep, tvSum / (LENGTH - 1), tvMax, worst,
        Math.min(1, (LENGTH - 1) * worst.pValue()), OracleDistances.pairChiSquare(chain, samples, 0, LENGTH - 1));
  }

  static void print(Row r) {
    System.out.printf(Locale.ROOT, "| %s %s | %s | %.2f | %.2f | %.4f | %.4f | %.1f (%d) | %.2g | %s | %.1f (%d) |%n", r.family(),
        r.parameter(), r.kind() == null ? "-" : r.kind().id(), r.nfe(), r.tokensPerStep(), r.tvMean(), r.tvMax(),
        r.worst().statistic(), r.worst().degreesOfFreedom(), r.pBonferroni(), r.detectable() ? "yes" : "no",
        r.ends().statistic(), r.ends().degreesOfFreedom());
  }
}
