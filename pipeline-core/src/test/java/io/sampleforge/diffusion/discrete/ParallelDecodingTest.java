package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.discrete.CommitRule.Factor;
import io.sampleforge.diffusion.discrete.CommitRule.Profile;
import io.sampleforge.diffusion.discrete.CommitRule.Threshold;
import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fast-dLLM's parallel decoding rules ({@link ParallelDecodingSampler}): the commit counts of the
 * threshold, factor and Fréchet-profile rules by hand, the tau = 1 limit against LLaDA's
 * one-token-per-step sampler and against a one-at-a-time max-probability loop, and the bad settings.
 * The exact-law facts are in {@link ParallelDecodingLawTest}.
 */
class ParallelDecodingTest {
  /** The 5-state chain of issue 21: uniform start, 0.98 self-transitions, 0.005 to each other state. */
  static MarkovChainDenoiser stickyChain(int length) {
    int s = 5;
    double[] pi = new double[s];
    double[][] p = new double[s][s];
    for (int a = 0; a < s; a++) {
      pi[a] = 1.0 / s;
      for (int b = 0; b < s; b++) {
        p[a][b] = a == b ? 0.98 : 0.005;
      }
    }
    return new MarkovChainDenoiser(new MarkovChain(pi, p, length));
  }

  static ParallelDecodingSampler sampler(int gen, int block, double temperature, ConfidenceKind kind, CommitRule rule,
      long seed) {
    return new ParallelDecodingSampler(new ParallelDecodingSettings(gen, block, temperature, kind, rule), seed);
  }

  /** Sorted confidence profiles worked by hand against the reference code's formulas. */
  @Test
  void commitCountsFollowTheReferenceRules() {
    double[] profile = {0.99, 0.9, 0.8, 0.5};
    // threshold: the prefix >= tau, at least one
    assertEquals(2, new Threshold(0.85).count(profile, 4));
    assertEquals(3, new Threshold(0.8).count(profile, 4));
    assertEquals(1, new Threshold(0.999).count(profile, 4));
    assertEquals(1, new Threshold(1.0).count(profile, 4));
    assertEquals(4, new Threshold(0.5).count(profile, 4));
    assertEquals(2, new Threshold(1.0).count(new double[] {1.0, 1.0, 0.999}, 3), "confidence exactly 1 passes tau = 1");
    // factor f = 1: index i >= 1 passes when c >= 1 - 1 / (i + 2): 0.9 >= 0.667, 0.8 >= 0.75, 0.5 < 0.8
    // first failure at the last index m - 1 = 3: the reference commits all 4 (its quirk)
    assertEquals(4, new Factor(1).count(profile, 4));
    assertEquals(3, new Factor(1).count(new double[] {0.99, 0.9, 0.8, 0.5, 0.1}, 5), "first failure at 3 < m - 1");
    assertEquals(1, new Factor(1).count(new double[] {0.99, 0.5, 0.4, 0.3}, 4), "first failure at index 1");
    assertEquals(2, new Factor(1).count(new double[] {0.6, 0.5}, 2), "m = 2 fails at the last index: quirk, both");
    assertEquals(1, new Factor(1).count(new double[] {0.3}, 1));
    assertEquals(5, new Factor(1).count(new double[] {1, 1, 1, 1, 1}, 5), "no failure: all");
    // profile delta = 0: G_2 = 1.89 - 1 - 0.1 = 0.79, G_3 = 2.69 - 2 - 0.2 = 0.49, G_4 = 3.19 - 3 - 0.5 = -0.31
    assertEquals(3, new Profile(0).count(profile, 4));
    assertEquals(3, new Profile(0.25).count(profile, 4));
    assertEquals(2, new Profile(0.5).count(profile, 4));
    assertEquals(1, new Profile(0.8).count(profile, 4));
    // equal confidences 1 - eps, eps = 0.15: G_n = 1 - (n + 1) eps > 0 iff n <= 5; factor f = 1: 0.85 >= 1 - 1/(i+2) iff i <= 4
    double[] flat = new double[10];
    Arrays.fill(flat, 0.85);
    assertEquals(5, new Profile(0).count(flat, 10));
    assertEquals(5, new Factor(1).count(flat, 10));
    // heterogeneous profile where the profile rule commits more than factor f = 1 - delta (the heterogeneity bonus)
    double[] uneven = {0.999, 0.999, 0.999, 0.7, 0.1, 0.1};
    assertEquals(3, new Factor(0.75).count(uneven, 6), "0.7 < 1 - 0.75 / 5 = 0.85");
    assertEquals(4, new Profile(0.25).count(uneven, 6), "G_4 = 3.697 - 3 - 0.3 = 0.397 > 0.25");
  }

  /**
   * A hand-made denoiser with fixed conditionals (maxima 0.95, 0.6, 0.85, 0.5 at positions 0..3),
   * T = 0: threshold 0.8 commits {0, 2}, then 1, then 3; the factor rule commits {0, 2} then both
   * others (its last-index quirk); the profile rule with delta 0.25 commits {0, 2}, 1, 3.
   */
  @Test
  void commitsPerStepOnAHandMadeDenoiser() {
    double[][] rows = {{0.95, 0.05, 0, 0}, {0.6, 0.3, 0.1, 0}, {0.1, 0.85, 0.05, 0}, {0.5, 0.5, 0, 0}};
    FixedDenoiser model = new FixedDenoiser(rows);
    int[][] start = MaskedDenoiser.allMasked(model, 1, 4);
    List<SequenceKey> key = List.of(new SequenceKey(1, 0));
    for (ConfidenceKind kind : ConfidenceKind.values()) {
      DiffusionSample threshold = sampler(4, 4, 0, kind, new Threshold(0.8), 5).sample(model, key, start).get(0);
      assertArrayEquals(new int[] {2, 1, 1}, threshold.commitsPerStep());
      assertEquals(3, threshold.modelCalls());
      assertArrayEquals(new int[] {0, 0, 1, 0}, threshold.tokens());
      DiffusionSample factor = sampler(4, 4, 0, kind, new Factor(1), 5).sample(model, key, start).get(0);
      assertArrayEquals(new int[] {2, 2}, factor.commitsPerStep());
      assertEquals(2, factor.modelCalls());
      DiffusionSample profile = sampler(4, 4, 0, kind, new Profile(0.25), 5).sample(model, key, start).get(0);
      assertArrayEquals(new int[] {2, 1, 1}, profile.commitsPerStep());
      // two blocks of 2: block 0 = {0.95, 0.6}, block 1 = {0.85, 0.5}; threshold 0.8 takes one per step
      DiffusionSample blocks = sampler(4, 2, 0, kind, new Threshold(0.8), 5).sample(model, key, start).get(0);
      assertArrayEquals(new int[] {1, 1, 1, 1}, blocks.commitsPerStep());
    }
  }

  /**
   * With tau = 1 and no confidence exactly 1, the threshold rule commits one token per step: with
   * DRAWN it is LLaDA low_confidence with steps = gen_length (one token per step, same keyed Gumbel
   * noise), row for row, for one and three blocks, temperatures 1 and 0.7, with given tokens inside
   * the span and a prompt.
   */
  @Test
  void thresholdOneIsLladaLowConfidenceOneTokenPerStep() {
    MarkovChainDenoiser model = stickyChain(12);
    List<SequenceKey> keys = new ArrayList<>();
    int[][] initial = new int[60][];
    int m = model.maskId();
    for (int i = 0; i < 60; i++) {
      keys.add(new SequenceKey(i / 4, i % 4));
      initial[i] = new int[12];
      Arrays.fill(initial[i], m);
      if (i % 3 == 1) {
        initial[i][5] = i % 5;
      }
    }
    for (int block : new int[] {12, 4}) {
      for (double temperature : new double[] {1, 0.7}) {
        List<DiffusionSample> ours = sampler(12, block, temperature, ConfidenceKind.DRAWN, new Threshold(1.0), 41)
            .sample(model, keys, initial);
        List<DiffusionSample> llada = new LladaSampler(
            new LladaSettings(12, block, 12, temperature, 0, RemaskingRule.LOW_CONFIDENCE), 41).sample(model, keys, initial);
        int differ = 0;
        for (int b = 0; b < keys.size(); b++) {
          String where = "block " + block + " T " + temperature + " row " + b;
          assertArrayEquals(llada.get(b).tokens(), ours.get(b).tokens(), where);
          assertEquals(llada.get(b).modelCalls(), ours.get(b).modelCalls(), where);
          int[] perStep = ours.get(b).commitsPerStep();
          assertEquals(ours.get(b).modelCalls(), perStep.length, where);
          assertTrue(Arrays.stream(perStep).allMatch(k -> k == 1), where);
          differ += Arrays.equals(ours.get(b).tokens(), ours.get(0).tokens()) ? 0 : 1;
        }
        assertTrue(differ > 30, "the rows are not all alike: " + differ);
      }
    }
    // a prompt: the first 4 positions given, gen_length 8
    int[][] prompted = new int[20][];
    for (int i = 0; i < 20; i++) {
      prompted[i] = new int[] {i % 5, i % 5, (i + 1) % 5, (i + 1) % 5, m, m, m, m, m, m, m, m};
    }
    List<SequenceKey> few = keys.subList(0, 20);
    List<DiffusionSample> ours = sampler(8, 4, 1, ConfidenceKind.DRAWN, new Threshold(1.0), 3).sample(model, few, prompted);
    List<DiffusionSample> llada = new LladaSampler(new LladaSettings(8, 4, 8, 1, 0, RemaskingRule.LOW_CONFIDENCE), 3)
        .sample(model, few, prompted);
    for (int b = 0; b < 20; b++) {
      assertArrayEquals(llada.get(b).tokens(), ours.get(b).tokens(), "prompted row " + b);
    }
  }

  /**
   * With tau = 1 and MAX_PROBABILITY the sampler is the one-at-a-time loop written out here: each
   * step commits the masked block position of largest max probability (ties to the smaller
   * position) and draws its value with the keyed Gumbel noise of (block * block_length + step,
   * position).
   */
  @Test
  void thresholdOneWithMaxProbabilityIsOneAtATimeDecoding() {
    MarkovChainDenoiser model = stickyChain(12);
    int m = model.maskId();
    for (int block : new int[] {12, 3}) {
      ParallelDecodingSampler sampler = sampler(12, block, 1, ConfidenceKind.MAX_PROBABILITY, new Threshold(1.0), 9);
      DiffusionDraws draws = new DiffusionDraws(9);
      for (int i = 0; i < 40; i++) {
        SequenceKey key = new SequenceKey(i, 1);
        int[] x = new int[12];
        Arrays.fill(x, m);
        if (i % 2 == 0) {
          x[7] = i % 5;
        }
        DiffusionSample out = sampler.sample(model, List.of(key), new int[][] {x}).get(0);
        int calls = 0;
        double[] p = new double[m + 1];
        for (int blk = 0; blk < 12 / block; blk++) {
          for (int step = 0; ; step++) {
            int best = -1;
            double bestMax = -1;
            for (int l = blk * block; l < (blk + 1) * block; l++) {
              if (x[l] != m) {
                continue;
              }
              try (DenoiserOutput o = model.denoise(new int[][] {x.clone()}, new double[] {0})) {
                o.probabilities(0, l, p);
              }
              double max = Arrays.stream(p).max().getAsDouble();
              if (max > bestMax) {
                best = l;
                bestMax = max;
              }
            }
            if (best < 0) {
              break;
            }
            calls++;
            try (DenoiserOutput o = model.denoise(new int[][] {x.clone()}, new double[] {0})) {
              o.probabilities(0, best, p);
            }
            x[best] = draws.gumbelArgmax(key, DiffusionDraws.counter(blk * block + step, best, Kind.GUMBEL), p, m, 1.0);
          }
        }
        assertArrayEquals(x, out.tokens(), "block " + block + " key " + i);
        assertEquals(calls, out.modelCalls());
      }
    }
  }

  /** At temperature 0 the drawn value is the argmax, so both confidence kinds give the same rows, for every rule. */
  @Test
  void bothKindsAgreeAtTemperatureZero() {
    MarkovChainDenoiser model = stickyChain(12);
    List<SequenceKey> keys = new ArrayList<>();
    int[][] initial = new int[30][];
    for (int i = 0; i < 30; i++) {
      keys.add(new SequenceKey(i, 0));
      initial[i] = new int[12];
      Arrays.fill(initial[i], model.maskId());
      initial[i][i % 12] = i % 5;
    }
    for (CommitRule rule : List.of(new Threshold(0.9), new Factor(1), new Profile(0.25))) {
      List<DiffusionSample> drawn = sampler(12, 6, 0, ConfidenceKind.DRAWN, rule, 1).sample(model, keys, initial);
      List<DiffusionSample> max = sampler(12, 6, 0, ConfidenceKind.MAX_PROBABILITY, rule, 2).sample(model, keys, initial);
      for (int b = 0; b < keys.size(); b++) {
        assertArrayEquals(drawn.get(b).tokens(), max.get(b).tokens(), rule + " row " + b);
        assertArrayEquals(drawn.get(b).commitsPerStep(), max.get(b).commitsPerStep(), rule + " row " + b);
      }
    }
  }

  @Test
  void badSettingsAreConfigErrorsNamingTheKey() {
    for (double tau : new double[] {0, -0.1, 1.0000001, Double.NaN}) {
      ConfigException e = assertThrows(ConfigException.class, () -> new Threshold(tau));
      assertTrue(e.getMessage().startsWith("parameter 'threshold'") && e.getMessage().contains("(0, 1]")
          && e.getMessage().endsWith("got " + tau), e.getMessage());
      assertEquals(2, e.exitCode());
    }
    for (double f : new double[] {0, -1, Double.POSITIVE_INFINITY, Double.NaN}) {
      ConfigException e = assertThrows(ConfigException.class, () -> new Factor(f));
      assertTrue(e.getMessage().startsWith("parameter 'factor'") && e.getMessage().contains("> 0")
          && e.getMessage().endsWith("got " + f), e.getMessage());
    }
    for (double delta : new double[] {-0.01, Double.NaN, Double.POSITIVE_INFINITY}) {
      ConfigException e = assertThrows(ConfigException.class, () -> new Profile(delta));
      assertTrue(e.getMessage().startsWith("parameter 'frechet_margin'"), e.getMessage());
    }
    ConfigException block = assertThrows(ConfigException.class,
        () -> new ParallelDecodingSettings(10, 4, 0, ConfidenceKind.DRAWN, new Threshold(0.9)));
    assertTrue(block.getMessage().contains("'block_length'") && block.getMessage().endsWith("got 4"), block.getMessage());
    assertThrows(ConfigException.class, () -> new ParallelDecodingSettings(0, 1, 0, ConfidenceKind.DRAWN, new Factor(1)));
    ConfigException t = assertThrows(ConfigException.class,
        () -> new ParallelDecodingSettings(8, 4, -1, ConfidenceKind.DRAWN, new Factor(1)));
    assertTrue(t.getMessage().contains("'temperature'"), t.getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> new ParallelDecodingSettings(8, 4, 0, null, new Factor(1)))
        .getMessage().contains("'confidence'"));
    assertTrue(assertThrows(ConfigException.class,
        () -> new ParallelDecodingSettings(8, 4, 0, ConfidenceKind.DRAWN, null)).getMessage().contains("'rule'"));
    ConfigException kind = assertThrows(ConfigException.class, () -> ConfidenceKind.parse("confidence", "low"));
    assertTrue(kind.getMessage().contains("max_probability") && kind.getMessage().endsWith("got low"), kind.getMessage());
    assertEquals(ConfidenceKind.MAX_PROBABILITY, ConfidenceKind.parse("confidence", "Max-Probability"));
    assertEquals(ConfidenceKind.DRAWN, ConfidenceKind.parse("confidence", "drawn"));
    // a mask in the prompt is an input error naming the position
    MarkovChainDenoiser model = stickyChain(6);
    int mk = model.maskId();
    IllegalArgumentException prompt = assertThrows(IllegalArgumentException.class,
        () -> sampler(4, 4, 0, ConfidenceKind.DRAWN, new Threshold(0.9), 1)
            .sample(model, List.of(new SequenceKey(0, 0)), new int[][] {{0, mk, mk, mk, mk, mk}}));
    assertTrue(prompt.getMessage().contains("position 1"), prompt.getMessage());
  }
}
