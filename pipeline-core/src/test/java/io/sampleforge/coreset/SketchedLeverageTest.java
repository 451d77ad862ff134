package io.sampleforge.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Approximate leverage from a CountSketch ({@link SketchFactor}): every row's sketched score lies within
 * the measured range [distortion_min, distortion_max] times its exact score (a deterministic bound, not a
 * tolerance), the measured error shrinks as the sketch grows (fixed seed), the sketch and scores are the
 * same bit for bit for any row order or split into partial sketches, and the settings refuse what the
 * sketch does not support.
 */
class SketchedLeverageTest {
  private static final int N = 4000;
  private static final int D = 5;
  private static final List<String> COLS = CoresetTables.columns(D);
  private final double[][] a = CoresetTables.gaussian(N, D, 8, 3);
  private final long[] keys = CoresetTables.keys(N);

  /** max_i |l~_i / l_i - 1| after checking each ratio lies in the measured range. */
  private double checkedMaxError(int s, double ridge) {
    double[] exact = Coresets.leverage(a, ridge, COLS);
    double[] approx = Coresets.sketchedLeverage(a, keys, s, 7, ridge, COLS);
    SketchError e = Coresets.sketchError(a, keys, s, 7, ridge, COLS);
    double worst = 0;
    for (int i = 0; i < N; i++) {
      double ratio = approx[i] / exact[i];
      assertTrue(ratio >= e.distortionMin() * (1 - 1e-9) && ratio <= e.distortionMax() * (1 + 1e-9),
          "s = " + s + ", row " + i + ": ratio " + ratio + " outside the measured " + e);
      worst = Math.max(worst, Math.abs(ratio - 1));
    }
    assertTrue(worst <= e.leverageRelativeErrorBound() * (1 + 1e-9), worst + " vs " + e);
    assertTrue(worst > 0.5 * e.leverageRelativeErrorBound(), "the bound is attained by some row to within 2x: " + worst + " vs " + e);
    return e.leverageRelativeErrorBound();
  }

  @Test
  void sketchedLeverageIsWithinTheMeasuredErrorWhichShrinksWithTheSketch() {
    double e50 = checkedMaxError(50, 0);
    double e200 = checkedMaxError(200, 0);
    double e1600 = checkedMaxError(1600, 0);
    assertTrue(e50 > e200 && e200 > e1600, e50 + " > " + e200 + " > " + e1600);
    assertTrue(e1600 < 0.25, "a 1600-row sketch of a 4000 x 5 table is within 25%: " + e1600);
    assertTrue(checkedMaxError(200, 500.0) < e200, "the ridge damps the distortion");
  }

  @Test
  void theSketchDoesNotDependOnRowOrderOrPartitioning() {
    int s = 300;
    double[][] whole = Coresets.countSketch(a, keys, s, 7).matrix();
    // reversed rows, split into three partial sketches merged in another order
    CountSketchAccumulator[] parts = {new CountSketchAccumulator(s, D, 7), new CountSketchAccumulator(s, D, 7),
        new CountSketchAccumulator(s, D, 7)};
    for (int i = N - 1; i >= 0; i--) {
      parts[i % 3].add(keys[i], a[i]);
    }
    double[][] merged = parts[2].merge(parts[0]).merge(parts[1]).matrix();
    for (int r = 0; r < s; r++) {
      assertArrayEquals(whole[r], merged[r], 0.0, "sketch row " + r);
    }
    double[][] reversed = new double[N][];
    long[] reversedKeys = new long[N];
    for (int i = 0; i < N; i++) {
      reversed[i] = a[N - 1 - i];
      reversedKeys[i] = keys[N - 1 - i];
    }
    double[] forward = Coresets.sketchedLeverage(a, keys, s, 7, 0, COLS);
    double[] backward = Coresets.sketchedLeverage(reversed, reversedKeys, s, 7, 0, COLS);
    for (int i = 0; i < N; i++) {
      assertEquals(forward[i], backward[N - 1 - i], 0.0, "row " + i);
    }
    double[] otherSeed = Coresets.sketchedLeverage(a, keys, s, 8, 0, COLS);
    assertTrue(otherSeed[0] != forward[0], "the seed picks the sketch");
  }

  /** The stage's pass: the same factor with or without the check, which alone measures the error. */
  @Test
  void theSketchPassMeasuresOnlyWhenChecked() {
    SketchPass checked = new SketchPass(200, D, 7, true);
    SketchPass unchecked = new SketchPass(200, D, 7, false);
    for (int i = 0; i < N; i++) {
      checked.add(keys[i], a[i]);
      unchecked.add(keys[i], a[i]);
    }
    double[] scratch = new double[D];
    double[] want = Coresets.sketchedLeverage(a, keys, 200, 7, 0, COLS);
    GramFactor f = unchecked.factor(0, COLS);
    for (int i = 0; i < N; i += 97) {
      assertEquals(want[i], f.quadratic(a[i], scratch), 0.0, "row " + i);
    }
    assertEquals(Coresets.sketchError(a, keys, 200, 7, 0, COLS), checked.error(0, COLS));
    assertTrue(!unchecked.error(0, COLS).measured());
  }

  @Test
  void theSettingsRefuseWhatTheSketchDoesNotSupport() {
    List<String> f = CoresetTables.columns(3);
    ConfigException e = assertThrows(ConfigException.class, () -> new CoresetSettings(f, null, CoresetMethod.LEWIS, 1, 5,
        CoresetSampling.POISSON, 1, null, 10, 1e-9, CoresetSketch.COUNTSKETCH, 0, true));
    assertTrue(e.getMessage().contains("parameter 'sketch'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> new CoresetSettings(f, null, CoresetMethod.LEVERAGE, 1, 5,
        CoresetSampling.POISSON, 1, null, 10, 1e-9, CoresetSketch.COUNTSKETCH, 2, true));
    assertTrue(e.getMessage().contains("parameter 'sketch_rows'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> new CoresetSettings(f, null, CoresetMethod.LEVERAGE, 1, 5,
        CoresetSampling.POISSON, 1, null, 10, 1e-9, CoresetSketch.NONE, 100, true));
    assertTrue(e.getMessage().contains("parameter 'sketch_rows'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> CoresetSketch.parse("srht"));
    assertTrue(e.getMessage().contains("parameter 'sketch'"), e.getMessage());
    assertEquals(1024, CoresetSettings.autoSketchRows(3));
    assertEquals(40_000, CoresetSettings.autoSketchRows(100));
    assertEquals((1 << 24) / 400, CoresetSettings.autoSketchRows(400));
  }
}
