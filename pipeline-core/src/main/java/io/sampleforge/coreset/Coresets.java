package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Coresets of an in-memory n x d matrix (rows double[n][d]): scores ({@link CoresetMethod}) and the
 * keyed draw ({@link CoresetSampling}), the same arithmetic the Spark stage runs per partition, so a
 * table gives the same sample here and there. Cost O(n d^2) per Gram pass (one, or one per Lewis
 * iteration) plus O(n d^2) for the scores.
 */
public final class Coresets {
  private Coresets() {}

  /** Leverage scores a_i^T (A^T A + ridge I)^{-1} a_i. */
  public static double[] leverage(double[][] a, double ridge, List<String> columns) {
    return scores(a, new CoresetScoring(ridge > 0 ? CoresetMethod.RIDGE_LEVERAGE : CoresetMethod.LEVERAGE, 2,
        GramFactor.of(gram(a).matrix(), ridge, columns)));
  }

  /** The l_p Lewis weights and the iteration record. */
  public static double[] lewis(double[][] a, double p, int maxIterations, double tolerance, List<String> columns) {
    return scores(a, new CoresetScoring(CoresetMethod.LEWIS, p, lewisFactor(a, p, maxIterations, tolerance, columns).factor()));
  }

  public static LewisIteration.Result lewisFactor(double[][] a, double p, int maxIterations, double tolerance,
      List<String> columns) {
    int d = columns.size();
    return LewisIteration.run(pass -> {
      for (double[] row : a) {
        pass.add(row);
      }
      return pass;
    }, d, p, maxIterations, tolerance, columns);
  }

  /**
   * Approximate leverage a_i^T ((SA)^T SA + ridge I)^{-1} a_i from the CountSketch SA with s rows keyed by
   * {@code keys} and {@code seed} ({@link SketchFactor}).
   */
  public static double[] sketchedLeverage(double[][] a, long[] keys, int s, long seed, double ridge, List<String> columns) {
    return scores(a, new CoresetScoring(ridge > 0 ? CoresetMethod.RIDGE_LEVERAGE : CoresetMethod.LEVERAGE, 2,
        SketchFactor.of(countSketch(a, keys, s, seed).matrix(), ridge, columns)));
  }

  /** The measured error of that sketch against the exact Gram matrix ({@link SketchError}). */
  public static SketchError sketchError(double[][] a, long[] keys, int s, long seed, double ridge, List<String> columns) {
    return SketchFactor.error(countSketch(a, keys, s, seed).matrix(), gram(a).matrix(), ridge, columns);
  }

  /** The CountSketch accumulator of all rows of {@code a} under their record keys. */
  public static CountSketchAccumulator countSketch(double[][] a, long[] keys, int s, long seed) {
    CountSketchAccumulator acc = new CountSketchAccumulator(s, a.length == 0 ? 0 : a[0].length, seed);
    for (int i = 0; i < a.length; i++) {
      acc.add(keys[i], a[i]);
    }
    return acc;
  }

  /** The scoring of {@code s.method()} fitted to {@code a} without a sketch (checks d &lt;= n where the method needs it). */
  public static CoresetScoring scoring(double[][] a, CoresetSettings s) {
    if (s.sketch() != CoresetSketch.NONE) {
      throw new IllegalArgumentException("a sketched scoring needs the record keys: use scoring(a, keys, s)");
    }
    return scoring(a, null, s);
  }

  /** The scoring of {@code s.method()} fitted to the rows {@code a} with record keys {@code keys} (the sketch's keys). */
  public static CoresetScoring scoring(double[][] a, long[] keys, CoresetSettings s) {
    checkShape(a.length, s);
    return switch (s.method()) {
      case UNIFORM -> new CoresetScoring(CoresetMethod.UNIFORM, s.p(), null);
      case LEVERAGE, RIDGE_LEVERAGE, ROOT_LEVERAGE -> new CoresetScoring(s.method(), s.p(),
          s.sketch() == CoresetSketch.NONE ? GramFactor.of(gram(a).matrix(), s.ridge(), s.features())
              : SketchFactor.of(countSketch(a, keys, s.sketchSize(), s.seed()).matrix(), s.ridge(), s.features()));
      case LEWIS -> new CoresetScoring(CoresetMethod.LEWIS, s.p(),
          lewisFactor(a, s.p(), s.maxIterations(), s.tolerance(), s.features()).factor());
    };
  }

  /** Refuses fewer rows than columns for the methods that need full column rank. */
  public static void checkShape(long n, CoresetSettings s) {
    if (n == 0) {
      throw InputDataException.of(s.features().get(0), "(the input) must have at least one row", "0 rows");
    }
    if (s.method().needsFullRank() && s.d() > n) {
      throw ConfigException.of("features", "must number at most the input rows (d <= n) for method " + s.method().id()
          + " (fewer rows than columns: every row is a coreset of itself; use ridge-leverage or uniform)",
          "d = " + s.d() + ", n = " + n);
    }
  }

  public static double[] scores(double[][] a, CoresetScoring scoring) {
    double[] out = new double[a.length];
    double[] scratch = new double[a.length == 0 ? 0 : a[0].length];
    for (int i = 0; i < a.length; i++) {
      out[i] = scoring.score(a[i], scratch);
    }
    return out;
  }

  /** Scores and draws a coreset of {@code a} whose rows have record keys {@code keys}. */
  public static CoresetSample sample(double[][] a, long[] keys, CoresetSettings s) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if (!Double.isFinite(a[i][j])) {
          throw InputDataException.of(s.features().get(j), "must be finite (row " + i + ")", a[i][j]);
        }
      }
    }
    return draw(keys, scores(a, scoring(a, keys, s)), s);
  }

  /** Draws a coreset from precomputed scores (the same draw as {@link #sample}). */
  public static CoresetSample draw(long[] keys, double[] scores, CoresetSettings s) {
    ScoreTotals totals = new ScoreTotals();
    for (int i = 0; i < keys.length; i++) {
      totals.add(keys[i], scores[i]);
    }
    return s.sampling() == CoresetSampling.POISSON ? poisson(keys, scores, totals, s) : withReplacement(keys, scores, totals, s);
  }

  private static CoresetSample poisson(long[] keys, double[] scores, ScoreTotals totals, CoresetSettings s) {
    double total = totals.total();
    ExactSum expected = new ExactSum();
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      double p = PoissonDraw.probability(scores[i], s.m(), total);
      expected.add(p);
      if (PoissonDraw.kept(s.seed(), keys[i], p)) {
        rows.add(i);
      }
    }
    int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
    double[] w = new double[r.length];
    double[] sc = new double[r.length];
    int[] draws = new int[r.length];
    for (int j = 0; j < r.length; j++) {
      sc[j] = scores[r[j]];
      w[j] = 1.0 / PoissonDraw.probability(sc[j], s.m(), total);
      draws[j] = 1;
    }
    return new CoresetSample(r, w, sc, draws, scores, total, expected.value());
  }

  private static CoresetSample withReplacement(long[] keys, double[] scores, ScoreTotals totals, CoresetSettings s) {
    double[] bucketTotals = totals.bucketTotals();
    double total = ReplacementDraws.total(bucketTotals);
    long[] perBucket = ReplacementDraws.bucketCounts(bucketTotals, s.m(), s.seed());
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> ReplacementDraws.bucket(keys[i])).thenComparingLong(i -> keys[i]));
    int[] draws = new int[keys.length];
    int at = 0;
    while (at < order.length) {
      int b = ReplacementDraws.bucket(keys[order[at]]);
      int end = at;
      while (end < order.length && ReplacementDraws.bucket(keys[order[end]]) == b) {
        end++;
      }
      if (perBucket[b] > 0) {
        ReplacementDraws.BucketWalk walk = new ReplacementDraws.BucketWalk(s.seed(), b, perBucket[b], bucketTotals[b]);
        int lastPositive = -1;
        for (int t = at; t < end; t++) {
          draws[order[t]] = walk.take(scores[order[t]]);
          if (scores[order[t]] > 0) {
            lastPositive = order[t];
          }
        }
        draws[lastPositive] += walk.leftover();
      }
      at = end;
    }
    int chosen = 0;
    for (int c : draws) {
      chosen += c > 0 ? 1 : 0;
    }
    int[] r = new int[chosen];
    double[] w = new double[chosen];
    double[] sc = new double[chosen];
    int[] dr = new int[chosen];
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      if (draws[i] > 0) {
        r[j] = i;
        sc[j] = scores[i];
        dr[j] = draws[i];
        w[j] = draws[i] * total / (s.m() * scores[i]);
        j++;
      }
    }
    return new CoresetSample(r, w, sc, dr, scores, total, s.m());
  }

  /** The Gram accumulator of all rows of {@code a}. */
  public static GramAccumulator gram(double[][] a) {
    GramAccumulator g = new GramAccumulator(a.length == 0 ? 0 : a[0].length);
    for (double[] row : a) {
      g.add(row, 1.0);
    }
    return g;
  }
}
