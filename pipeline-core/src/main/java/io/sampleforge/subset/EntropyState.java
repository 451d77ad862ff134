package io.sampleforge.subset;

import java.util.Arrays;

/**
 * The GME sampler's running state and incremental scoring (see {@link GreedyMaxEntropy}): per
 * column the counts c of every value, T = sum c and S = sum c ln c (Neumaier-compensated); per
 * remaining item and column its relation count t (as a level index) and Delta = sum over its values
 * of (c+m) ln(c+m) - c ln c. A candidate's entropy is H = ln(T+t) - (S+Delta)/(T+t). Cost: scoring O(columns) per candidate; {@link #apply} O(postings of the picked
 * item's values).
 */
final class EntropyState {
  static final double SCALE = 1e5;
  static final double INVERSE_SCALE = 1e-5;

  final ItemCorpus corpus;
  final EntropySelector selector;
  final int cols;
  final long[][] counts;
  final long[] total;
  final double[] sumCLogC;
  final double[] sumCompensation;
  final char[][] levelOf;
  final long[][] levels;
  final double[][] delta;
  final boolean[] removed;
  final double[] utopia;
  final double[][] stepInverse;
  final double[][] stepLogDenominator;
  final double[] stepS;
  int remaining;

  EntropyState(ItemCorpus corpus, EntropySelector selector) {
    this(corpus, selector, null);
  }

  /** With {@code cardinalities} (|V_j| of the whole input) when the corpus is only a shard of it. */
  EntropyState(ItemCorpus corpus, EntropySelector selector, int[] cardinalities) {
    this.corpus = corpus;
    this.selector = selector;
    int items = corpus.items();
    cols = corpus.columns();
    counts = new long[cols][];
    total = new long[cols];
    sumCLogC = new double[cols];
    sumCompensation = new double[cols];
    levelOf = new char[cols][items];
    levels = new long[cols][];
    delta = new double[cols][items];
    removed = new boolean[items];
    utopia = new double[cols];
    stepInverse = new double[cols][];
    stepLogDenominator = new double[cols][];
    stepS = new double[cols];
    remaining = items;
    for (int j = 0; j < cols; j++) {
      ItemCorpus.Column c = corpus.column(j);
      counts[j] = new long[c.cardinality()];
      int card = cardinalities == null ? c.cardinality() : cardinalities[j];
      utopia[j] = card == 0 ? 0.0 : StrictMath.log(card);
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
      if (distinct.length > Character.MAX_VALUE + 1) {
        throw new IllegalStateException("more than 65536 distinct relation counts per item in column " + j);
      }
      levels[j] = Arrays.stream(distinct).asLongStream().toArray();
      for (int d = 0; d < items; d++) {
        levelOf[j][d] = (char) Arrays.binarySearch(distinct, t[d]);
      }
      stepInverse[j] = new double[distinct.length];
      stepLogDenominator[j] = new double[distinct.length];
    }
  }

  boolean sum() {
    return selector == EntropySelector.SUM;
  }

  /** Freezes T and S for this step's scoring. */
  void prepareStep() {
    for (int j = 0; j < cols; j++) {
      stepS[j] = sumCLogC[j] + sumCompensation[j];
      for (int k = 0; k < levels[j].length; k++) {
        long b = total[j] + levels[j][k];
        stepInverse[j][k] = b == 0 ? 0.0 : 1.0 / b;
        stepLogDenominator[j][k] = b == 0 ? 0.0 : StrictMath.log(b);
      }
    }
  }

  /** Unrounded entropy of column j for a candidate at level k with the given Delta. */
  double entropy(int j, int k, double itemDelta) {
    return stepLogDenominator[j][k] - (stepS[j] + itemDelta) * stepInverse[j][k];
  }

  /** The exact objective of item d (the reference's arithmetic on rounded entropies); fills h. */
  double score(int d, double[] h, double[] squares) {
    for (int j = 0; j < cols; j++) {
      h[j] = Math.rint(entropy(j, levelOf[j][d], delta[j][d]) * SCALE) / SCALE + 0.0;
    }
    if (sum()) {
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

  /**
   * The cheap screen of one column's rounded entropy q = rint(H x 1e5): for sum, q itself (the
   * integer sum orders candidates exactly unless equal); for dutopia, (q x 1e-5 - ln|V_j|)^2, within
   * a few ulps of the exact term. Monotone non-increasing in Delta (dutopia: non-decreasing).
   */
  double screenTerm(int j, int k, double itemDelta) {
    double q = Math.rint(entropy(j, k, itemDelta) * SCALE);
    if (sum()) {
      return q;
    }
    double diff = q * INVERSE_SCALE - utopia[j];
    return diff * diff;
  }

  /** True when objective a beats b (ties are resolved by index elsewhere). */
  boolean better(double a, double b) {
    return sum() ? a > b : a < b;
  }

  /** Adds the picked item's counts to the state and grows the Delta of items sharing its values. */
  void apply(int picked) {
    markRemoved(picked);
    for (int j = 0; j < cols; j++) {
      ItemCorpus.Column c = corpus.column(j);
      for (int p = c.itemStart()[picked]; p < c.itemStart()[picked + 1]; p++) {
        int v = c.values()[p];
        applyValue(j, v, counts[j][v], c.multiplicity()[p]);
      }
    }
  }

  void markRemoved(int d) {
    removed[d] = true;
    remaining--;
  }

  /**
   * Adds m selections of one value of column j whose selected count was {@code before}: updates T
   * and S and, when the value occurs in this corpus (local id v >= 0), the Delta of every
   * remaining item holding it.
   */
  void applyValue(int j, int v, long before, int m) {
    long after = before + m;
    addToS(j, gain(before, m));
    total[j] += m;
    if (v < 0) {
      return;
    }
    ItemCorpus.Column c = corpus.column(j);
    double[] dj = delta[j];
    double[] gainCache = new double[8];
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
          inc = Math.max(0.0, gain(after, mu) - gain(before, mu));
          gainCache[mu] = inc;
        }
      } else {
        inc = Math.max(0.0, gain(after, mu) - gain(before, mu));
      }
      dj[d] += inc;
    }
    counts[j][v] = after;
  }

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
}
