package io.sampleforge.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
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
   * renormalised probabilities (chi-square, 2 degrees of freedom, 0.999 quantile 13.8); the same
   * counts reject the distribution a top-p keeping one token too many would give (power check).
   */
  @Test
  void drawsFollowTheFilteredDistribution() {
    double[] probs = {.30, .25, .20, .10, .08, .04, .03};
    float[] logits = new float[probs.length];
    for (int i = 0; i < probs.length; i++) {
      logits[i] = (float) Math.log(probs[i]);
    }
    SamplerSettings s = SamplerSettings.builder().topK(5).topP(.7).build();
    float[] warped = LogitsWarpers.apply(s, manager.create(logits, new Shape(1, 7))).toFloatArray();
    // top-5 renormalised: .323 .269 .215 .108 .086; top-p(.7) drops the two smallest (cum .194 <= .3): three left
    double[] expected = {.30 / .75, .25 / .75, .20 / .75, 0, 0, 0, 0};
    double[] offByOne = {.30 / .85, .25 / .85, .20 / .85, .10 / .85, 0, 0, 0};
    TokenDraw draw = new TokenDraw(17);
    int n = 60_000;
    long[] counts = new long[7];
    for (int i = 0; i < n; i++) {
      counts[draw.draw(warped, 0, 7, 99, 0, i)]++;
    }
    double chi = chiSquare(counts, expected, n);
    assertTrue(chi < 13.8, "chi-square " + chi + " counts " + java.util.Arrays.toString(counts));
    double wrong = chiSquare(counts, offByOne, n);
    assertTrue(wrong > 13.8, "power: the off-by-one top-p distribution must be rejected, chi-square " + wrong);
  }

  /**
   * The noise is float64: uniforms above 1 - 2^-24 (the largest float32 below 1, where float32 noise
   * caps the Gumbel at about 16.6) occur at their expected rate of 2^-24 (Poisson mean 11.9 in
   * 2 x 10^8 draws; accept 2..26, the 0.999 band). A float32 uniform generator never produces one
   * (power check).
   */
  @Test
  void noiseResolvesTheUpperGumbelTail() {
    KeyedStream s = KeyedStream.of(5, "token", 123);
    double limit = 1.0 - 0x1.0p-24;
    long draws = 200_000_000L;
    long above = 0;
    long above32 = 0;
    for (long i = 0; i < draws; i++) {
      long bits = s.bits(i);
      double u = (bits >>> 11) * 0x1.0p-53;
      double u32 = (bits >>> 40) * 0x1.0p-24;
      if (u > limit) {
        above++;
      }
      if (u32 > limit) {
        above32++;
      }
    }
    assertTrue(above >= 2 && above <= 26, "float64 uniforms above 1 - 2^-24: " + above);
    assertEquals(0, above32, "float32 uniforms cannot exceed 1 - 2^-24");
    assertTrue(-Math.log(-Math.log(s.openUniform(0))) < 40);
  }

  /** A row's tokens do not depend on which rows share its batch. */
  @Test
  void rowsAreIndependentOfTheirBatch() {
    SamplerSettings s = SamplerSettings.builder().topP(.9).repetitionPenalty(1.3).build();
    int vocab = 50;
    KeyedStream noise = KeyedStream.of(1, "logits", 0);
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
