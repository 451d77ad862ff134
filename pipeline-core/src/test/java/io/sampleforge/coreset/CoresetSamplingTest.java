package io.sampleforge.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * The keyed draws: (1) the l2 subspace-embedding error of the weighted sample (exact: the largest
 * |eigenvalue - 1| of (A^T A)^{-1/2} A^T S^T S A (A^T A)^{-1/2}) shrinks as m grows and leverage-type
 * scores beat uniform by a margin (25 %) on a table whose last direction lives in 4 rows; (2) weighted column
 * sums are unbiased under both samplings (z-test over 300 seeds, |z| &lt; 4) and the test has power (it
 * flags the naive estimator n / |sample| * sum, |z| &gt; 10); (3) draws depend on the keys, not the row
 * order; with replacement gives exactly m draws; bad settings name their key.
 */
class CoresetSamplingTest {
  private static final int D = 5;

  private static CoresetSettings settings(CoresetMethod method, double p, long m, CoresetSampling sampling, long seed) {
    return new CoresetSettings(CoresetTables.columns(D), null, method, p, m, sampling, seed, null, 200, 1e-10);
  }

  /** max |eig - 1| of the whitened weighted Gram matrix (exact subspace-embedding distortion). */
  static double embeddingError(double[][] a, CoresetSample s) {
    double[][] full = Coresets.gram(a).matrix();
    double[][] sub = new double[D][D];
    for (int t = 0; t < s.size(); t++) {
      double[] row = a[s.rows()[t]];
      for (int j = 0; j < D; j++) {
        for (int k = 0; k < D; k++) {
          sub[j][k] += s.weights()[t] * row[j] * row[k];
        }
      }
    }
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(full));
    RealMatrix invSqrt = e.getV().multiply(new Array2DRowRealMatrix(diagInvSqrt(e.getRealEigenvalues())))
        .multiply(e.getVT());
    RealMatrix w = invSqrt.multiply(new Array2DRowRealMatrix(sub)).multiply(invSqrt);
    double worst = 0;
    for (double ev : new EigenDecomposition(w.add(w.transpose()).scalarMultiply(0.5)).getRealEigenvalues()) {
      worst = Math.max(worst, Math.abs(ev - 1));
    }
    return worst;
  }

  private static double[][] diagInvSqrt(double[] ev) {
    double[][] m = new double[ev.length][ev.length];
    for (int i = 0; i < ev.length; i++) {
      m[i][i] = 1 / Math.sqrt(ev[i]);
    }
    return m;
  }

  private static double medianError(double[][] a, CoresetMethod method, long m) {
    double[] errs = new double[9];
    for (int seed = 0; seed < errs.length; seed++) {
      errs[seed] = embeddingError(a, Coresets.sample(a, CoresetTables.keys(a.length), settings(method, 1, m,
          CoresetSampling.POISSON, 100 + seed)));
    }
    Arrays.sort(errs);
    return errs[errs.length / 2];
  }

  @Test
  void embeddingErrorShrinksWithMAndBeatsUniform() {
    double[][] a = CoresetTables.gaussian(2000, D, 4, 31);
    for (CoresetMethod method : List.of(CoresetMethod.LEVERAGE, CoresetMethod.LEWIS, CoresetMethod.ROOT_LEVERAGE)) {
      double small = medianError(a, method, 60);
      double large = medianError(a, method, 600);
      double uniform = medianError(a, CoresetMethod.UNIFORM, 60);
      assertTrue(large < 0.7 * small, method + ": error at m=600 " + large + " vs m=60 " + small);
      assertTrue(small < 0.75 * uniform, method + ": error at m=60 " + small + " vs uniform " + uniform);
    }
  }

  /** z of the mean of {@code reps} weighted estimates of column 0's sum against the truth. */
  private static double z(double[][] a, CoresetSampling sampling, BiFunction<double[][], CoresetSample, Double> estimate) {
    double truth = 0;
    for (double[] row : a) {
      truth += row[0];
    }
    int reps = 300;
    double sum = 0;
    double sq = 0;
    for (int r = 0; r < reps; r++) {
      double e = estimate.apply(a, Coresets.sample(a, CoresetTables.keys(a.length),
          settings(CoresetMethod.LEVERAGE, 1, 40, sampling, 7000 + r)));
      sum += e;
      sq += e * e;
    }
    double mean = sum / reps;
    double sd = Math.sqrt((sq - reps * mean * mean) / (reps - 1));
    return (mean - truth) / (sd / Math.sqrt(reps));
  }

  @Test
  void weightedColumnSumsAreUnbiasedAndTheTestHasPower() {
    double[][] a = CoresetTables.gaussian(400, D, 4, 77);
    for (double[] row : a) {
      row[0] = Math.abs(row[0]) + Math.abs(row[D - 1]) * 5;   // column sum correlated with leverage
    }
    BiFunction<double[][], CoresetSample, Double> weighted = (t, s) -> {
      double e = 0;
      for (int i = 0; i < s.size(); i++) {
        e += s.weights()[i] * t[s.rows()[i]][0];
      }
      return e;
    };
    BiFunction<double[][], CoresetSample, Double> naive = (t, s) -> {
      double e = 0;
      int draws = 0;
      for (int i = 0; i < s.size(); i++) {
        e += s.draws()[i] * t[s.rows()[i]][0];
        draws += s.draws()[i];
      }
      return e * t.length / draws;
    };
    for (CoresetSampling sampling : CoresetSampling.values()) {
      double zWeighted = z(a, sampling, weighted);
      assertTrue(Math.abs(zWeighted) < 4, sampling + ": weighted sum biased, z = " + zWeighted);
      double zNaive = z(a, sampling, naive);
      assertTrue(Math.abs(zNaive) > 10, sampling + ": the test cannot see the naive estimator's bias, z = " + zNaive);
    }
  }

  @Test
  void drawsFollowKeysNotRowOrderAndReplacementDrawsExactlyM() {
    double[][] a = CoresetTables.gaussian(600, D, 0, 3);
    long[] keys = CoresetTables.keys(600);
    double[][] rev = new double[600][];
    long[] revKeys = new long[600];
    for (int i = 0; i < 600; i++) {
      rev[i] = a[599 - i];
      revKeys[i] = keys[599 - i];
    }
    for (CoresetSampling sampling : CoresetSampling.values()) {
      CoresetSettings s = settings(CoresetMethod.LEVERAGE, 1, 30, sampling, 5);
      CoresetSample x = Coresets.sample(a, keys, s);
      CoresetSample y = Coresets.sample(rev, revKeys, s);
      long[] kx = Arrays.stream(x.rows()).mapToLong(i -> keys[i]).sorted().toArray();
      long[] ky = Arrays.stream(y.rows()).mapToLong(i -> revKeys[i]).sorted().toArray();
      assertArrayEquals(kx, ky, sampling + ": the same keys whatever the row order");
      if (sampling == CoresetSampling.WITH_REPLACEMENT) {
        assertEquals(30, Arrays.stream(x.draws()).sum());
      } else {
        assertEquals(30.0, x.expectedSize(), 1e-9, "no probability is capped here");
      }
    }
  }

  @Test
  void badSettingsNameTheirKey() {
    List<String> f = List.of("a", "b");
    assertKey("m", () -> new CoresetSettings(f, null, CoresetMethod.LEVERAGE, 1, 0, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("m", () -> new CoresetSettings(f, null, CoresetMethod.LEVERAGE, 1, 1L << 31, CoresetSampling.WITH_REPLACEMENT, 1,
        null, 10, 1e-9));
    assertKey("p", () -> new CoresetSettings(f, null, CoresetMethod.LEWIS, 4, 5, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("p", () -> new CoresetSettings(f, null, CoresetMethod.LEWIS, 0.5, 5, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("p", () -> new CoresetSettings(f, null, CoresetMethod.ROOT_LEVERAGE, 3, 5, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("lambda", () -> new CoresetSettings(f, null, CoresetMethod.RIDGE_LEVERAGE, 1, 5, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("lambda", () -> new CoresetSettings(f, null, CoresetMethod.LEVERAGE, 1, 5, CoresetSampling.POISSON, 1, 2.0, 10, 1e-9));
    assertKey("features", () -> new CoresetSettings(List.of("a", "a"), null, CoresetMethod.LEVERAGE, 1, 5, CoresetSampling.POISSON, 1, null, 10, 1e-9));
    assertKey("method", () -> CoresetMethod.parse("pca"));
    assertKey("sampling", () -> CoresetSampling.parse("stratified"));
  }

  private static void assertKey(String key, org.junit.jupiter.api.function.Executable e) {
    ConfigException x = assertThrows(ConfigException.class, e);
    assertTrue(x.getMessage().startsWith("parameter '" + key + "'"), x.getMessage());
  }
}
