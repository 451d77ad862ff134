package io.sampleforge.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Keyed streams are pure functions of (seed, purpose, key, counter), and their uniforms pass a
 * chi-square goodness-of-fit test with a fixed seed, while a deliberately biased generator of the
 * same size is rejected (power check).
 */
class KeyedStreamTest {
  private static final int BINS = 100;
  private static final int DRAWS = 200_000;
  /** Chi-square 0.999 quantile with 99 degrees of freedom. */
  private static final double CRITICAL = 148.23;

  private static double chiSquare(LongToDoubleFunction uniform) {
    long[] counts = new long[BINS];
    for (long i = 0; i < DRAWS; i++) {
      double u = uniform.applyAsDouble(i);
      assertTrue(u >= 0 && u < 1, "uniform out of [0,1): " + u);
      counts[(int) (u * BINS)]++;
    }
    double expected = (double) DRAWS / BINS;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  @Test
  void drawsArePureFunctionsOfTheirKey() {
    KeyedStream a = TestStreams.of(7, "p", 11);
    KeyedStream b = TestStreams.of(7, "p", 11);
    for (long i = 0; i < 100; i++) {
      assertEquals(a.bits(i), b.bits(i));
    }
    assertNotEquals(a.bits(0), TestStreams.of(8, "p", 11).bits(0), "seed changes the stream");
    assertNotEquals(a.bits(0), TestStreams.of(7, "q", 11).bits(0), "purpose changes the stream");
    assertNotEquals(a.bits(0), TestStreams.of(7, "p", 12).bits(0), "record key changes the stream");
  }

  @Test
  void uniformsAcrossCountersAndAcrossKeysPassChiSquare() {
    KeyedStream s = TestStreams.of(42, "test", 5);
    assertTrue(chiSquare(s::uniform) < CRITICAL, "along one stream");
    assertTrue(chiSquare(i -> TestStreams.of(42, "test", i).uniform(0)) < CRITICAL, "first draw across keys");
  }

  @Test
  void powerCheckRejectsASlightlyBiasedGenerator() {
    KeyedStream s = TestStreams.of(42, "test", 5);
    double chi = chiSquare(i -> Math.pow(s.uniform(i), 1.03));
    assertTrue(chi > CRITICAL, "a 3% power bias must be detected, chi=" + chi);
  }

  /**
   * Gaussian mean within 0.01 (4.5 standard errors at n = 200,000), mean square within 0.01 (3.2
   * se), Gumbel mean within 0.01 of the Euler-Mascheroni constant (3.5 se). Power checks on
   * perturbed generators over the same keyed draws: Gaussian with standard deviation 1.01 (power
   * 0.9991), Gaussian shifted by 0.02 (power 0.999996), Gumbel shifted by 0.02 (power 0.99976).
   */
  @Test
  void gaussianHasUnitMomentsAndGumbelItsMean() {
    KeyedStream s = TestStreams.of(1, "moments", 0);
    String ok = moments(s::gaussian, s::gumbel);
    assertEquals("", ok, "keyed stream moments");
    assertTrue(moments(i -> 1.01 * s.gaussian(i), s::gumbel).contains("square"),
        "power 0.9991: a Gaussian with sd 1.01 must fail the mean-square check");
    assertTrue(moments(i -> s.gaussian(i) + 0.02, s::gumbel).contains("gaussian mean"),
        "power 0.999996: a Gaussian shifted by 0.02 must fail the mean check");
    assertTrue(moments(s::gaussian, i -> s.gumbel(i) + 0.02).contains("gumbel mean"),
        "power 0.99976: a Gumbel shifted by 0.02 must fail the mean check");
  }

  /** The failed moment checks ("" when all pass), each with its value. */
  private static String moments(LongToDoubleFunction gaussian, LongToDoubleFunction gumbel) {
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    double gsum = 0;
    for (int i = 0; i < n; i++) {
      double g = gaussian.applyAsDouble(i);
      sum += g;
      sq += g * g;
      gsum += gumbel.applyAsDouble(i);
    }
    StringBuilder failed = new StringBuilder();
    if (Math.abs(sum / n) > 0.01) {
      failed.append(" gaussian mean ").append(sum / n);
    }
    if (Math.abs(sq / n - 1) > 0.01) {
      failed.append(" gaussian mean square ").append(sq / n);
    }
    if (Math.abs(gsum / n - 0.5772156649) > 0.01) {
      failed.append(" gumbel mean ").append(gsum / n).append(" (Euler-Mascheroni 0.5772)");
    }
    return failed.toString();
  }

  /**
   * Indices stay in range and are uniform: chi-square over 5 bins from 100,000 draws below the
   * 0.999 quantile with 4 degrees of freedom (18.47). Power check: an index generator that returns
   * 0 one extra time in 80 (probabilities .21 and 4 x .1975; noncentrality 62.5) is rejected with
   * power P(noncentral chi-square(4, 62.5) > 18.47) = 0.99994.
   */
  @Test
  void indicesStayInRangeAndAreUniform() {
    KeyedStream s = TestStreams.of(3, "idx", 9);
    double chi = indexChiSquare(i -> s.nextIndex(i, 5));
    assertTrue(chi < 18.47, "index chi-square " + chi);
    KeyedStream extra = TestStreams.of(3, "idx-bias", 9);
    double biased = indexChiSquare(i -> extra.uniform(i) < 0.0125 ? 0 : s.nextIndex(i, 5));
    assertTrue(biased > 18.47, "power 0.99994: a generator with P(0) = .21 must be rejected, chi-square " + biased);
  }

  private static double indexChiSquare(java.util.function.LongToIntFunction index) {
    int n = 100_000;
    long[] seen = new long[5];
    for (long i = 0; i < n; i++) {
      int k = index.applyAsInt(i);
      assertTrue(k >= 0 && k < 5, "index out of range " + k);
      seen[k]++;
    }
    double e = n / 5.0;
    double chi = 0;
    for (long c : seen) {
      chi += (c - e) * (c - e) / e;
    }
    return chi;
  }
}
