package io.sampleforge.decode;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Statistical and determinism tests of the keyed float64 Gumbel-max draw, with power checks. */
class TokenDrawTest extends io.sampleforge.testing.PyTorchFixture {

  private static double chiSquare(long[] counts, double[] p, long n) {
    double chi = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == 0) {
        if (counts[i] > 0) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      double e = n * p[i];
      chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
  }

  /**
   * 60,000 draws after top-k(5) + top-p(0.7) on a 7-token distribution match the filtered,
   * renormalised probabilities (chi-square, 2 degrees of freedom, 0.999 quantile 13.8). Power check
   * on the sampler itself: the same draws from a sampler at temperature 1.2 (filtered law .389 .334
   * .277 instead of .400 .333 .267) must be rejected by the same test; its noncentrality is 44.4,
   * so the power is P(noncentral chi-square(2, 44.4) > 13.8) = 0.9989.
   */
  @Test
  void drawsFollowTheFilteredDistribution() {
    double[] probs = {.30, .25, .20, .10, .08, .04, .03};
    float[] logits = new float[probs.length];
    for (int i = 0; i < probs.length; i++) {
      logits[i] = (float) Math.log(probs[i]);
    }
    // top-5 renormalised: .323 .269 .215 .108 .086; top-p(.7) drops the two smallest (cum .194 <= .3): three left
    double[] expected = {.30 / .75, .25 / .75, .20 / .75, 0, 0, 0, 0};
    int n = 60_000;
    long[] counts = drawCounts(SamplerSettings.builder().topK(5).topP(.7).build(), logits, n);
    double chi = chiSquare(counts, expected, n);
    assertTrue(chi < 13.8, "chi-square " + chi + " counts " + java.util.Arrays.toString(counts));
    long[] hot = drawCounts(SamplerSettings.builder().temperature(1.2).topK(5).topP(.7).build(), logits, n);
    double wrong = chiSquare(hot, expected, n);
    assertTrue(wrong > 13.8, "power (0.9989): a sampler at temperature 1.2 must be rejected, chi-square " + wrong
        + " counts " + java.util.Arrays.toString(hot));
  }

  private long[] drawCounts(SamplerSettings s, float[] logits, int n) {
    float[] warped = LogitsWarpers.apply(s, manager.create(logits, new Shape(1, logits.length))).toFloatArray();
    TokenDraw draw = new TokenDraw(17);
    long[] counts = new long[logits.length];
    for (int i = 0; i < n; i++) {
      counts[draw.draw(warped, 0, logits.length, 99, 0, i)]++;
    }
    return counts;
  }

  /**
   * The production draw follows the float64 Gumbel-max law where float32 noise cannot: one common
   * token (score 0) and 2^20 rare tokens (score -17.2) per row. float32 uniforms (24 bits, at most 1 -
   * 2^-24) cap the Gumbel noise at c = 16.6355, so a float32-noise draw picks a rare token only when
   * the common token's noise is below c - 17.2 (probability 0.172), while the exact law also lets
   * noise above c win. Rows whose largest rare uniform lies at or above 1 - 2^-24 (the only rows
   * where the two laws can differ through the rare tokens) are found by scanning the keyed bits of
   * 256 rows (expected 16 such rows); in each, TokenDraw must return exactly the float64 argmax
   * computed here from the raw keyed bits (G increases with u, so the best rare token is the one
   * with the largest uniform), and the float32-noise draw on the same bits must differ in at least
   * one row. Per such row the float32 draw differs with probability 0.298 (exact law: rare wins
   * with probability 0.471, float32: 0.172), so over seeds the power is 1 - exp(-16 x 0.298) =
   * 0.991; for this fixed seed the differing rows are counted in the message.
   *
   * <p>A binomial test of rare-token frequency cannot do this in a unit test: the law differs
   * only at 2^-24-probability noise, so separating the two at 3 sigma needs about 10^9 noise draws.
   */
  @Test
  void drawFollowsTheFloat64TailBeyondFloat32() {
    int rare = 1 << 20;
    int vocab = rare + 1;
    float gap = 17.2f;
    float[] scores = new float[vocab];
    java.util.Arrays.fill(scores, 1, vocab, -gap);
    long seed = 23;
    long recordKey = 7;
    TokenDraw draw = new TokenDraw(seed);
    long top24 = (1L << 24) - 1;
    int rows = 0;
    int rareWins = 0;
    int float32Wins = 0;
    int differ = 0;
    StringBuilder log = new StringBuilder();
    for (int position = 0; position < 256; position++) {
      // the row's keyed noise stream, as documented by TokenDraw: key (seed, "token", record, sample, position)
      KeyedStream s = TestStreams.of(seed, "token", Hash64.combine(recordKey, Hash64.combine(0, position)));
      long best53 = -1;
      int best53Token = -1;
      long best24 = -1;
      int best24Token = -1;
      for (int t = 1; t < vocab; t++) {
        long b = s.bits(t);
        if ((b >>> 11) > best53) {
          best53 = b >>> 11;
          best53Token = t;
        }
        if ((b >>> 40) > best24) {
          best24 = b >>> 40;
          best24Token = t;
        }
      }
      if (best24 != top24) {
        continue;
      }
      rows++;
      // float64 law: G = -ln(-ln u), u = (53 bits + 1/2) 2^-53
      double gCommon = -Math.log(-Math.log(((s.bits(0) >>> 11) + 0.5) * 0x1.0p-53));
      double gRare = -Math.log(-Math.log((best53 + 0.5) * 0x1.0p-53));
      int exact = (double) scores[best53Token] + gRare > (double) scores[0] + gCommon ? best53Token : 0;
      // float32 noise on the same keyed bits: u = max(24 bits, 1) 2^-24 in float
      float uCommon32 = Math.max(s.bits(0) >>> 40, 1) * 0x1.0p-24f;
      float uRare32 = best24 * 0x1.0p-24f;
      float g32Common = -(float) Math.log(-(float) Math.log(uCommon32));
      float g32Rare = -(float) Math.log(-(float) Math.log(uRare32));
      int float32 = scores[best24Token] + g32Rare > scores[0] + g32Common ? best24Token : 0;
      int got = draw.draw(scores, 0, vocab, recordKey, 0, position);
      log.append(String.format(java.util.Locale.ROOT, " [pos %d: G_rare %.3f G_common %.3f exact %d float32 %d drawn %d]",
          position, gRare, gCommon, exact, float32, got));
      assertEquals(exact, got, "TokenDraw must follow the float64 Gumbel-max law at position " + position + log);
      rareWins += exact != 0 ? 1 : 0;
      float32Wins += float32 != 0 ? 1 : 0;
      differ += float32 != exact ? 1 : 0;
    }
    assertTrue(rows >= 4, "rows with a rare uniform >= 1 - 2^-24: " + rows + " (expected 16)");
    assertTrue(differ >= 1, "power (0.991 over seeds): the float32-noise draw must differ from the float64 law in some row;"
        + " rows " + rows + ", rare wins float64 " + rareWins + ", float32 " + float32Wins + log);
  }

  /** A row's tokens do not depend on which rows share its batch. */
  @Test
  void rowsAreIndependentOfTheirBatch() {
    SamplerSettings s = SamplerSettings.builder().topP(.9).repetitionPenalty(1.3).build();
    int vocab = 50;
    KeyedStream noise = TestStreams.of(1, "logits", 0);
    float[] block = new float[3 * vocab];
    for (int i = 0; i < block.length; i++) {
      block[i] = (float) noise.gaussian(i);
    }
    List<int[]> alone = new ArrayList<>();
    List<int[]> together = new ArrayList<>();
    for (int step = 0; step < 5; step++) {
      NextTokenSampler sampler = new NextTokenSampler(s, 7);
      List<SequenceState> rows = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        rows.add(new SequenceState(100 + r, 0, new int[] {r, 2 * r}));
      }
      together.add(sampler.next(manager.create(block, new Shape(3, vocab)), rows).tokens());
      int[] single = new int[3];
      for (int r = 0; r < 3; r++) {
        float[] one = java.util.Arrays.copyOfRange(block, r * vocab, (r + 1) * vocab);
        single[r] = sampler.next(manager.create(one, new Shape(1, vocab)),
            List.of(new SequenceState(100 + r, 0, new int[] {r, 2 * r}))).tokens()[0];
      }
      alone.add(single);
    }
    for (int i = 0; i < alone.size(); i++) {
      assertArrayEquals(alone.get(i), together.get(i));
    }
  }

  @Test
  void greedyTakesTheFirstMaximumAndReportsModelLogProbabilities() {
    SamplerSettings s = SamplerSettings.builder().mode(DecodingMode.GREEDY).build();
    NDArray logits = manager.create(new float[] {1, 3, 3, 0}, new Shape(1, 4));
    SequenceState r = new SequenceState(1, 0, new int[] {0});
    NextTokenSampler.Step step = new NextTokenSampler(s, 1).next(logits, List.of(r));
    assertEquals(1, step.tokens()[0]);
    double z = Math.log(Math.exp(1) + 2 * Math.exp(3) + 1);
    assertEquals(3 - z, step.logProbabilities()[0], 1e-5);
    assertArrayEquals(new int[] {1}, r.generated());
  }
}
