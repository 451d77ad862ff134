package io.sampleforge.diversity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Greedy maximum-entropy (GME) selection, after Delmas et al. 2023 ("Relation Extraction in
 * underexplored biomedical domains: a diversity-optimised sampling and synthetic data generation
 * approach"; reference code idiap/gme-sampler, whose semantics this follows exactly: per-column
 * Shannon entropies in nats rounded to 5 decimals with numpy's rint rule, the {@link
 * EntropySelector} objective summed in numpy's order, ties to the first remaining item in sort
 * order, optional seeded candidate subsets).
 *
 * <p>Unlike the reference, which recomputes every candidate's entropy from the full count vectors
 * (O(items x vocabulary) per pick), this kernel keeps per column T = sum c and S = sum c ln c, and
 * per candidate and column its relation count t and Delta = sum over its values of
 * (c+m) ln(c+m) - c ln c; a candidate's entropy is then H = ln(T+t) - (S+Delta)/(T+t), O(columns)
 * to score. After a pick only the candidates sharing one of its values change Delta (walked through
 * the inverted index). Cost per pick: O(remaining x columns) scoring, split over {@code threads},
 * plus O(postings of the picked item's values). Memory: {@link ItemCorpus} plus 12 bytes per item
 * and column and 8 bytes per distinct value.
 */
public final class GreedyMaxEntropy implements AutoCloseable {
  private static final double SCALE = 1e5;
  private static final int MIN_ITEMS_PER_THREAD = 4096;

  /** Receives progress after each pick. */
  @FunctionalInterface
  public interface Progress {
    void picked(int done, int total);
  }

  private final ItemCorpus corpus;
  private final EntropySelector selector;
  private final int candidates;
  private final CandidateDraw draw;
  private final int threads;
  private final ExecutorService pool;

  private final int cols;
  private final long[][] counts;
  private final long[] total;
  private final double[] sumCLogC;
  private final double[] sumCompensation;
  private final int[][] levelOf;
  private final long[][] levels;
  private final double[][] delta;
  private final boolean[] removed;
  private final double[] utopia;
  private final double[][] stepDenominator;
  private final double[][] stepLogDenominator;
  private final double[] stepS;
  private int remaining;

  /**
   * @param candidates 0 for the exact sampler, else the number m of candidates scored per step
   * @param seed the job seed (keys the candidate draws)
   * @param stratumKey a stable key of the stratum (keys the candidate draws)
   * @param threads scoring threads (1 = the calling thread only)
   */
  public GreedyMaxEntropy(ItemCorpus corpus, EntropySelector selector, int candidates, long seed, long stratumKey,
      int threads) {
    if (candidates < 0) {
      throw new IllegalArgumentException("candidates must be >= 0, got " + candidates);
    }
    this.corpus = corpus;
    this.selector = selector;
    this.candidates = candidates;
    this.draw = new CandidateDraw(seed, stratumKey);
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "gme-score");
      t.setDaemon(true);
      return t;
    }) : null;
    int items = corpus.items();
    cols = corpus.columns();
    counts = new long[cols][];
    total = new long[cols];
    sumCLogC = new double[cols];
    sumCompensation = new double[cols];
    levelOf = new int[cols][items];
    levels = new long[cols][];
    delta = new double[cols][items];
    removed = new boolean[items];
    utopia = new double[cols];
    stepDenominator = new double[cols][];
    stepLogDenominator = new double[cols][];
    stepS = new double[cols];
    remaining = items;
    for (int j = 0; j < cols; j++) {
      ItemCorpus.Column c = corpus.column(j);
      counts[j] = new long[c.cardinality()];
      utopia[j] = c.cardinality() == 0 ? 0.0 : StrictMath.log(c.cardinality());
      int[] t = new int[items];
      for (int d = 0; d < items; d++) {
        t[d] = c.relations(d);
        double init = 0.0;
        for (int p = c.itemStart()[d]; p < c.itemStart()[d + 1]; p++) {
          init += gain(0, c.multiplicity()[p]);
        }
        delta[j][d] = init;
      }
      int[] distinct = Arrays.stream(t).distinct().sorted().toArray();
      levels[j] = Arrays.stream(distinct).asLongStream().toArray();
      for (int d = 0; d < items; d++) {
        levelOf[j][d] = Arrays.binarySearch(distinct, t[d]);
      }
      stepDenominator[j] = new double[distinct.length];
      stepLogDenominator[j] = new double[distinct.length];
    }
  }

  /** Selects {@code picks} items (at most the number of items) greedily. */
  public GmeRanking select(int picks, Progress progress) {
    if (picks < 0 || picks > corpus.items()) {
      throw new IllegalArgumentException("picks must be in [0, " + corpus.items() + "], got " + picks);
    }
    int[] items = new int[picks];
    double[] entropies = new double[picks * cols];
    double[] objective = new double[picks];
    boolean[] decreased = new boolean[picks];
    double[] previous = new double[cols];
    double[] h = new double[cols];
    double[] squares = new double[cols];
    for (int r = 0; r < picks; r++) {
      prepareStep();
      int best = candidates > 0 && candidates < remaining
          ? scan(draw.draw(r, corpus, removed, remaining, candidates))
          : scan(null);
      objective[r] = score(best, h, squares);
      items[r] = best;
      for (int j = 0; j < cols; j++) {
        entropies[r * cols + j] = h[j];
        decreased[r] |= h[j] < previous[j];
      }
      System.arraycopy(h, 0, previous, 0, cols);
      apply(best);
      if (progress != null) {
        progress.picked(r + 1, picks);
      }
    }
    return new GmeRanking(cols, items, entropies, objective, decreased);
  }

  private void prepareStep() {
    for (int j = 0; j < cols; j++) {
      stepS[j] = sumCLogC[j] + sumCompensation[j];
      for (int k = 0; k < levels[j].length; k++) {
        long b = total[j] + levels[j][k];
        stepDenominator[j][k] = b;
        stepLogDenominator[j][k] = b == 0 ? 0.0 : StrictMath.log(b);
      }
    }
  }

  /** The objective of item d under the current state; fills h with its rounded entropies. */
  private double score(int d, double[] h, double[] squares) {
    for (int j = 0; j < cols; j++) {
      int k = levelOf[j][d];
      double b = stepDenominator[j][k];
      double e = b == 0 ? 0.0 : stepLogDenominator[j][k] - (stepS[j] + delta[j][d]) / b;
      h[j] = Math.rint(e * SCALE) / SCALE + 0.0;
    }
    if (selector == EntropySelector.SUM) {
      double s = 0.0;
      for (int j = 0; j < cols; j++) {
        s += h[j];
      }
      return s;
    }
    for (int j = 0; j < cols; j++) {
      double diff = h[j] - utopia[j];
      squares[j] = diff * diff;
    }
    return Math.sqrt(NumpySum.sum(squares, cols));
  }

  private boolean better(double candidate, double incumbent) {
    return selector.minimises() ? candidate < incumbent : candidate > incumbent;
  }

  /** Best item among the drawn candidates (ascending indices), or among all remaining when null. */
  private int scan(int[] drawn) {
    int size = drawn == null ? corpus.items() : drawn.length;
    int parts = Math.min(threads, Math.max(1, size / MIN_ITEMS_PER_THREAD));
    if (parts == 1 || pool == null) {
      return (int) bestIn(drawn, 0, size)[0];
    }
    List<Future<double[]>> futures = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) size * p / parts);
      int to = (int) ((long) size * (p + 1) / parts);
      futures.add(pool.submit(() -> bestIn(drawn, from, to)));
    }
    double bestItem = -1;
    double bestValue = 0;
    try {
      for (Future<double[]> f : futures) {
        double[] r = f.get();
        if (r[0] >= 0 && (bestItem < 0 || better(r[1], bestValue))) {
          bestItem = r[0];
          bestValue = r[1];
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("GME scoring interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("GME scoring failed", e.getCause());
    }
    return (int) bestItem;
  }

  /** {best item, its objective} over positions [from, to); item -1 when none remains there. */
  private double[] bestIn(int[] drawn, int from, int to) {
    double[] h = new double[cols];
    double[] squares = new double[cols];
    int best = -1;
    double bestValue = 0;
    for (int i = from; i < to; i++) {
      int d = drawn == null ? i : drawn[i];
      if (removed[d]) {
        continue;
      }
      double v = score(d, h, squares);
      if (best < 0 || better(v, bestValue)) {
        best = d;
        bestValue = v;
      }
    }
    return new double[] {best, bestValue};
  }

  /** Adds the picked item's counts to the state and updates the Delta of items sharing its values. */
  private void apply(int picked) {
    removed[picked] = true;
    remaining--;
    double[] gainCache = new double[8];
    for (int j = 0; j < cols; j++) {
      ItemCorpus.Column c = corpus.column(j);
      double[] dj = delta[j];
      for (int p = c.itemStart()[picked]; p < c.itemStart()[picked + 1]; p++) {
        int v = c.values()[p];
        int m = c.multiplicity()[p];
        long before = counts[j][v];
        long after = before + m;
        addToS(j, gain(before, m));
        total[j] += m;
        Arrays.fill(gainCache, Double.NaN);
        for (int q = c.valueStart()[v]; q < c.valueStart()[v + 1]; q++) {
          int d = c.postings()[q];
          if (removed[d]) {
            continue;
          }
          int mu = c.postingMultiplicity()[q];
          double inc;
          if (mu < gainCache.length) {
            inc = gainCache[mu];
            if (Double.isNaN(inc)) {
              inc = gain(after, mu) - gain(before, mu);
              gainCache[mu] = inc;
            }
          } else {
            inc = gain(after, mu) - gain(before, mu);
          }
          dj[d] += inc;
        }
        counts[j][v] = after;
      }
    }
  }

  /** Neumaier-compensated S += x, so S stays accurate over millions of updates. */
  private void addToS(int j, double x) {
    double s = sumCLogC[j];
    double t = s + x;
    if (Math.abs(s) >= Math.abs(x)) {
      sumCompensation[j] += (s - t) + x;
    } else {
      sumCompensation[j] += (x - t) + s;
    }
    sumCLogC[j] = t;
  }

  /** (c+m) ln(c+m) - c ln c, written to avoid cancellation for large c. */
  static double gain(long c, int m) {
    if (m == 0) {
      return 0.0;
    }
    if (c == 0) {
      return m * StrictMath.log(m);
    }
    return c * StrictMath.log1p((double) m / c) + m * StrictMath.log((double) (c + m));
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
