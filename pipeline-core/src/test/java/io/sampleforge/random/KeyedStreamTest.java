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
    KeyedStream a = KeyedStream.of(7, "p", 11);
    KeyedStream b = KeyedStream.of(7, "p", 11);
    for (long i = 0; i < 100; i++) {
      assertEquals(a.bits(i), b.bits(i));
    }
    assertNotEquals(a.bits(0), KeyedStream.of(8, "p", 11).bits(0), "seed changes the stream");
    assertNotEquals(a.bits(0), KeyedStream.of(7, "q", 11).bits(0), "purpose changes the stream");
    assertNotEquals(a.bits(0), KeyedStream.of(7, "p", 12).bits(0), "record key changes the stream");
  }

  @Test
  void uniformsAcrossCountersAndAcrossKeysPassChiSquare() {
    KeyedStream s = KeyedStream.of(42, "test", 5);
    assertTrue(chiSquare(s::uniform) < CRITICAL, "along one stream");
    assertTrue(chiSquare(i -> KeyedStream.of(42, "test", i).uniform(0)) < CRITICAL, "first draw across keys");
  }

  @Test
  void powerCheckRejectsASlightlyBiasedGenerator() {
    KeyedStream s = KeyedStream.of(42, "test", 5);
    double chi = chiSquare(i -> Math.pow(s.uniform(i), 1.03));
    assertTrue(chi > CRITICAL, "a 3% power bias must be detected, chi=" + chi);
  }

  @Test
  void gaussianHasUnitMomentsAndGumbelItsMean() {
    KeyedStream s = KeyedStream.of(1, "moments", 0);
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    double gumbel = 0;
    for (int i = 0; i < n; i++) {
      double g = s.gaussian(i);
      sum += g;
      sq += g * g;
      gumbel += s.gumbel(i);
    }
    assertEquals(0, sum / n, 0.01);
    assertEquals(1, sq / n, 0.01);
    assertEquals(0.5772156649, gumbel / n, 0.01, "Euler-Mascheroni constant");
  }

  @Test
  void indicesStayInRangeAndCoverIt() {
    KeyedStream s = KeyedStream.of(3, "idx", 9);
    int[] seen = new int[5];
    for (int i = 0; i < 10_000; i++) {
      seen[s.nextIndex(i, 5)]++;
    }
    for (int c : seen) {
      assertTrue(c > 1800 && c < 2200, "index counts " + java.util.Arrays.toString(seen));
    }
  }
}
