package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ODD (sean-lamont/odd ODDStrategy): the hand-derived gradient against a central finite difference,
 * with and without confidence weighting (use_confidence_weighting), the default reproducing the
 * results from before that setting bit for bit, alpha 0 = plain LLaDA exactly, lower within-group
 * similarity with alpha > 0 (measured), group and batch independence, and the settings' errors.
 */
class OddTest {
  private static final int MASK = 3;
  private static final int VOCAB = 4;

  /** Softmax over columns 0..2 of {@code z} (the mask column 3 gets 0). */
  private static double[] softmax(double[] z) {
    double[] p = new double[VOCAB];
    double max = Math.max(z[0], Math.max(z[1], z[2]));
    double sum = 0;
    for (int v = 0; v < 3; v++) {
      p[v] = Math.exp(z[v] - max);
      sum += p[v];
    }
    for (int v = 0; v < 3; v++) {
      p[v] /= sum;
    }
    return p;
  }

  private static OddRepulsion.Member member(int[] tokens, double[][] logits) {
    double[][] probs = new double[tokens.length][];
    for (int l = 0; l < tokens.length; l++) {
      probs[l] = tokens[l] == MASK ? softmax(logits[l]) : null;
    }
    return new OddRepulsion.Member(tokens, probs);
  }

  /**
   * Two samples of 3 positions over tokens {0, 1, 2} (mask 3). Sample 0: [mask, 1, mask]; sample 1:
   * [mask, mask, 2]. d_1 is the Gram-Schmidt direction of v_1 against v_0 (a constant, as in the
   * reference's no_grad block). The closed-form gradient of loss_1 = -s q_1 <v_1, d_1> in the
   * logits of sample 1's masked positions matches a central finite difference (h = 1e-5) within
   * 1e-6; sample 0 gets no loss (repel leaves it unmoved) and sample 1 moves away from d_0 = v_0.
   */
  @Test
  void closedFormGradientMatchesFiniteDifferences() {
    int[] t0 = {MASK, 1, MASK};
    double[][] z0 = {{0.3, -0.2, 1.1}, null, {-0.7, 0.4, 0.9}};
    int[] t1 = {MASK, MASK, 2};
    double[][] z1 = {{1.2, 0.1, -0.4}, {0.2, 0.8, -1.3}, null};
    double scale = 1.5;
    OddRepulsion.Member m0 = member(t0, z0);
    OddRepulsion.Member m1 = member(t1, z1);
    double[] v0 = unit(OddRepulsion.feature(m0, VOCAB, new int[VOCAB]));
    double[] v1 = unit(OddRepulsion.feature(m1, VOCAB, new int[VOCAB]));
    double[] r = v1.clone();
    double dot = dot(v1, v0);
    for (int v = 0; v < VOCAB; v++) {
      r[v] -= dot * v0[v];
    }
    double[] d = unit(r);
    double[][] g = OddRepulsion.gradient(m1, d, scale, true, VOCAB);
    assertNull(g[2], "no gradient at the unmasked position");
    double h = 1e-5;
    double largest = 0;
    for (int l = 0; l < 2; l++) {
      for (int w = 0; w < 3; w++) {
        double[][] plus = copy(z1);
        double[][] minus = copy(z1);
        plus[l][w] += h;
        minus[l][w] -= h;
        double fd = (OddRepulsion.loss(member(t1, plus), d, scale, true, VOCAB)
            - OddRepulsion.loss(member(t1, minus), d, scale, true, VOCAB)) / (2 * h);
        assertEquals(fd, g[l][w], 1e-6, "position " + l + " column " + w);
        largest = Math.max(largest, Math.abs(g[l][w]));
      }
      assertEquals(0, g[l][MASK], 0, "the mask column has no gradient");
    }
    assertTrue(largest > 1e-3, "a non-trivial gradient: " + largest);
    // the loss is -s q <v, d> = -s q ||r|| at the current point
    assertEquals(-scale * OddRepulsion.quality(m1) * OddRepulsion.norm(r), OddRepulsion.loss(m1, d, scale, true, VOCAB),
        1e-12);

    double[] before0 = m0.probs()[0].clone();
    double before = dot(v1, v0);
    OddRepulsion.repel(List.of(m0, m1), 2.0, scale, true, new int[0], VOCAB);
    assertArrayEquals(before0, m0.probs()[0], 0, "sample 0 is never moved");
    double after = dot(unit(OddRepulsion.feature(m1, VOCAB, new int[VOCAB])), v0);
    assertTrue(after < before, "sample 1's feature turns away from sample 0's: " + before + " -> " + after);
  }

  /**
   * Without confidence weighting (the reference's use_confidence_weighting false: quality =
   * torch.ones, so q_1 = 1 and no dq/dz term), on the example above, derived by hand:
   *
   * <p>P_0 = softmax(1.2, 0.1, -0.4) = (0.651564, 0.216887, 0.131549), P_1 = softmax(0.2, 0.8, -1.3)
   * = (0.328380, 0.598348, 0.073272); position 2 holds token 2. The max-pooled feature is f = (P_00,
   * P_11, 1, 0) = (0.651564, 0.598348, 1, 0): column 0 is taken from position 0 (0.6516 > 0.3284),
   * column 1 from position 1 (0.5983 > 0.2169), column 2 from the unmasked token. So only f_0 depends
   * on z_0 and only f_1 on z_1. Sample 0's feature is f' = (0.260955, 1, 0.580767, 0), cos(v_1, v_0) =
   * 0.852391, d = unit(v_1 - 0.852391 v_0) = (0.574455, -0.517990, 0.633788, 0), A = <v_1, d> = ||r|| =
   * 0.522906.
   *
   * <p>loss = -s A(f), A = <f, d> / ||f||, dA/df_v = (d_v - A f_v / ||f||) / ||f|| = (0.239130,
   * -0.563495, ...). With dP_lv/dz_lw = P_lv (delta_vw - P_lw):
   * g_0w = -s (dA/df_0) P_00 (delta_0w - P_0w), g_1w = -s (dA/df_1) P_11 (delta_1w - P_1w); with s
   * = 1.5: g_0 = (-0.0814338, 0.0506892, 0.0307446), g_1 = (-0.1660780, 0.2031350, -0.0370570) (the
   * numbers from an independent double-precision evaluation of these formulas). With confidence
   * weighting the same entries are (-0.139928, 0.087100, 0.052829) and (-0.026734, 0.032699,
   * -0.005965): the dq/dz term pulls position 1 towards its argmax against the repulsion.
   */
  @Test
  void withoutConfidenceWeightingOnlyTheRepulsionActs() {
    int[] t0 = {MASK, 1, MASK};
    double[][] z0 = {{0.3, -0.2, 1.1}, null, {-0.7, 0.4, 0.9}};
    int[] t1 = {MASK, MASK, 2};
    double[][] z1 = {{1.2, 0.1, -0.4}, {0.2, 0.8, -1.3}, null};
    double scale = 1.5;
    OddRepulsion.Member m0 = member(t0, z0);
    OddRepulsion.Member m1 = member(t1, z1);
    double[] v0 = unit(OddRepulsion.feature(m0, VOCAB, new int[VOCAB]));
    double[] f = OddRepulsion.feature(m1, VOCAB, new int[VOCAB]);
    double[] v1 = unit(f);
    double[] r = v1.clone();
    double cos = dot(v1, v0);
    for (int v = 0; v < VOCAB; v++) {
      r[v] -= cos * v0[v];
    }
    double[] d = unit(r);
    double a = OddRepulsion.norm(r);
    double nf = OddRepulsion.norm(f);
    double[] p0 = softmax(z1[0]);
    double[] p1 = softmax(z1[1]);
    double dA0 = (d[0] - a * f[0] / nf) / nf;
    double dA1 = (d[1] - a * f[1] / nf) / nf;
    double[][] expected = new double[2][3];
    for (int w = 0; w < 3; w++) {
      expected[0][w] = -scale * dA0 * p0[0] * ((w == 0 ? 1 : 0) - p0[w]);
      expected[1][w] = -scale * dA1 * p1[1] * ((w == 1 ? 1 : 0) - p1[w]);
    }
    double[][] numbers = {{-0.081433792862, 0.050689224242, 0.030744568620},
        {-0.166078007750, 0.203135020216, -0.037057012466}};
    double[][] g = OddRepulsion.gradient(m1, d, scale, false, VOCAB);
    double[][] weighted = OddRepulsion.gradient(m1, d, scale, true, VOCAB);
    assertNull(g[2], "no gradient at the unmasked position");
    double h = 1e-5;
    for (int l = 0; l < 2; l++) {
      for (int w = 0; w < 3; w++) {
        assertEquals(numbers[l][w], expected[l][w], 1e-11, "the formula's value, position " + l + " column " + w);
        assertEquals(expected[l][w], g[l][w], 1e-12, "position " + l + " column " + w);
        double[][] plus = copy(z1);
        double[][] minus = copy(z1);
        plus[l][w] += h;
        minus[l][w] -= h;
        double fd = (OddRepulsion.loss(member(t1, plus), d, scale, false, VOCAB)
            - OddRepulsion.loss(member(t1, minus), d, scale, false, VOCAB)) / (2 * h);
        assertEquals(fd, g[l][w], 1e-6, "finite difference, position " + l + " column " + w);
      }
      assertEquals(0, g[l][MASK], 0, "the mask column has no gradient");
    }
    assertTrue(Math.abs(weighted[1][1] - g[1][1]) > 0.1,
        "the quality term is gone: " + weighted[1][1] + " vs " + g[1][1]);
    assertEquals(-scale * a, OddRepulsion.loss(m1, d, scale, false, VOCAB), 1e-12, "loss = -s <v, d>, q = 1");

    double before = dot(v1, v0);
    double[] before0 = m0.probs()[0].clone();
    OddRepulsion.repel(List.of(m0, m1), 2.0, scale, false, new int[0], VOCAB);
    assertArrayEquals(before0, m0.probs()[0], 0, "sample 0 is never moved");
    double after = dot(unit(OddRepulsion.feature(m1, VOCAB, new int[VOCAB])), v0);
    assertTrue(after < before, "sample 1's feature turns away from sample 0's: " + before + " -> " + after);
  }

  /**
   * Confidence weighting on (the default and the three-argument settings) reproduces, bit for bit,
   * what the code gave before the setting existed (values recorded from commit a4c6fb3): the repelled
   * distributions of the example above, and the tokens of 4 groups of 5 samples of the sticky chain.
   * Off, the same call gives other tokens.
   */
  @Test
  void confidenceWeightingReproducesTheEarlierResults() {
    int[] t0 = {MASK, 1, MASK};
    double[][] z0 = {{0.3, -0.2, 1.1}, null, {-0.7, 0.4, 0.9}};
    int[] t1 = {MASK, MASK, 2};
    double[][] z1 = {{1.2, 0.1, -0.4}, {0.2, 0.8, -1.3}, null};
    OddRepulsion.Member m1 = member(t1, z1);
    OddRepulsion.repel(List.of(member(t0, z0), m1), 2.0, 1.5, true, new int[0], VOCAB);
    assertArrayEquals(new double[] {0x1.e98579a552b33p-1, 0x1.7a5758fb069bep-6, 0x1.54f9725aa2ffap-6, 0},
        m1.probs()[0], 0);
    assertArrayEquals(new double[] {0x1.e962cf6c43f03p-2, 0x1.c0b73ca1fda35p-2, 0x1.5797cfc6f9b1ep-4, 0},
        m1.probs()[1], 0);

    int[][] recorded = {{6, 6, 6, 6, 6, 6, 6, 6}, {6, 6, 6, 6, 6, 6, 6, 6}, {0, 0, 0, 0, 0, 0, 0, 0},
        {1, 1, 1, 1, 1, 1, 1, 1}, {4, 4, 4, 4, 4, 4, 4, 4}, {5, 5, 5, 5, 5, 5, 5, 5}, {6, 6, 6, 6, 6, 6, 6, 6},
        {6, 6, 6, 6, 6, 6, 6, 6}, {7, 7, 7, 7, 7, 7, 7, 3}, {0, 0, 0, 0, 0, 0, 0, 0}, {3, 3, 3, 3, 3, 5, 2, 2},
        {2, 2, 2, 2, 2, 2, 2, 1}, {2, 2, 2, 2, 2, 2, 2, 2}, {3, 3, 3, 3, 3, 3, 2, 2}, {5, 5, 5, 5, 5, 5, 5, 5},
        {6, 6, 6, 6, 6, 6, 6, 6}, {6, 6, 6, 6, 6, 6, 5, 5}, {3, 3, 3, 3, 3, 3, 3, 3}, {0, 0, 0, 0, 0, 0, 0, 0},
        {7, 7, 7, 7, 7, 7, 7, 7}};
    MarkovChainDenoiser model = diverseChain(8);
    LladaSettings s = new LladaSettings(8, 8, 8, 1, 0, RemaskingRule.LOW_CONFIDENCE);
    List<SequenceKey> keys = groupKeys(4, 5);
    int[][] initial = groupRows(model, 4, 5, 8);
    for (OddSettings o : List.of(OddSettings.defaults(), new OddSettings(16, 1, new int[0]),
        new OddSettings(16, 1, new int[0], true))) {
      List<DiffusionSample> out = new OddSampler(s, o, 9).sample(model, keys, initial);
      for (int b = 0; b < recorded.length; b++) {
        assertArrayEquals(recorded[b], out.get(b).tokens(), o + " row " + b);
      }
    }
    List<DiffusionSample> off = new OddSampler(s, new OddSettings(16, 1, new int[0], false), 9)
        .sample(model, keys, initial);
    int differ = 0;
    for (int b = 0; b < recorded.length; b++) {
      differ += java.util.Arrays.equals(recorded[b], off.get(b).tokens()) ? 0 : 1;
    }
    assertTrue(differ > 0, "confidence weighting off changes some sample");
  }

  /** A protected column gets no push: its logit is unchanged relative to an unprotected sibling's scaling. */
  @Test
  void protectedColumnsAreNotMoved() {
    int[] t0 = {MASK, 1, MASK};
    double[][] z0 = {{0.3, -0.2, 1.1}, null, {-0.7, 0.4, 0.9}};
    int[] t1 = {MASK, MASK, 2};
    double[][] z1 = {{1.2, 0.1, -0.4}, {0.2, 0.8, -1.3}, null};
    OddRepulsion.Member m0 = member(t0, z0);
    OddRepulsion.Member m1 = member(t1, z1);
    OddRepulsion.repel(List.of(m0, m1), 3.0, 1, true, new int[] {0, 1, 2}, VOCAB);
    for (int l = 0; l < 2; l++) {
      assertArrayEquals(softmax(z1[l]), m1.probs()[l], 1e-15, "all columns protected: nothing moves");
    }
  }

  /**
   * With odd_alpha 0, ODD is LLaDA exactly: tokens and NFE, for several LLaDA settings; alpha 16
   * changes some samples except at temperature 0, where the members of a group are identical.
   */
  @Test
  void alphaZeroIsPlainLlada() {
    MarkovChainDenoiser model = diverseChain(8);
    List<LladaSettings> settings = List.of(new LladaSettings(8, 8, 8, 1, 0, RemaskingRule.LOW_CONFIDENCE),
        new LladaSettings(8, 4, 4, 0.7, 0, RemaskingRule.LOW_CONFIDENCE),
        new LladaSettings(8, 4, 8, 0, 0, RemaskingRule.LOW_CONFIDENCE),
        new LladaSettings(6, 3, 4, 1, 1.5, RemaskingRule.RANDOM));
    for (LladaSettings s : settings) {
      int[][] initial = groupRows(model, 4, 5, 8);
      for (int[] row : initial) {
        for (int l = 0; l < 8 - s.genLength(); l++) {
          row[l] = (l * 3 + 1) % 8; // a prompt before the generated span
        }
      }
      List<SequenceKey> keys = groupKeys(4, 5);
      List<DiffusionSample> plain = new LladaSampler(s, 9).sample(model, keys, initial);
      List<DiffusionSample> odd = new OddSampler(s, new OddSettings(0, 1, new int[] {0}), 9).sample(model, keys, initial);
      List<DiffusionSample> pushed = new OddSampler(s, OddSettings.defaults(), 9).sample(model, keys, initial);
      int moved = 0;
      for (int b = 0; b < keys.size(); b++) {
        assertArrayEquals(plain.get(b).tokens(), odd.get(b).tokens(), s + " row " + b);
        assertEquals(plain.get(b).modelCalls(), odd.get(b).modelCalls());
        assertEquals(plain.get(b).modelCalls(), pushed.get(b).modelCalls(), "ODD adds no model call");
        moved += java.util.Arrays.equals(plain.get(b).tokens(), pushed.get(b).tokens()) ? 0 : 1;
        if (keys.get(b).sampleIndex() == 0) {
          assertArrayEquals(plain.get(b).tokens(), pushed.get(b).tokens(), "sample 0 of a group is LLaDA's");
        }
      }
      if (s.temperature() == 0) {
        // argmax decoding makes the members of a group identical: every residual is 0, no direction,
        // no push (as in the reference, whose threshold is the same 1e-6)
        assertEquals(0, moved, s + ": identical members are not moved");
      } else {
        assertTrue(moved > 0, s + ": alpha 16 changes some sample");
      }
    }
  }

  /**
   * Diversity: 200 groups of 4 samples of a sticky 8-state chain (length 8, LLaDA low_confidence,
   * temperature 1, one token per step). Within-group mean pairwise cosine of the max-pooled one-hot
   * features of the final sequences (= |A and B| / sqrt(|A| |B|) on the sets of states used): measured
   * 0.201 without ODD and 0.148 with alpha 16 (recorded in docs/diffusion.md); asserted with a margin.
   */
  @Test
  void repulsionLowersWithinGroupSimilarity() {
    MarkovChainDenoiser model = diverseChain(8);
    LladaSettings s = new LladaSettings(8, 8, 8, 1, 0, RemaskingRule.LOW_CONFIDENCE);
    int groups = 200;
    int k = 4;
    List<SequenceKey> keys = groupKeys(groups, k);
    int[][] initial = groupRows(model, groups, k, 8);
    double base = meanSimilarity(new LladaSampler(s, 3).sample(model, keys, initial), groups, k, model.maskId());
    double odd = meanSimilarity(new OddSampler(s, OddSettings.defaults(), 3).sample(model, keys, initial), groups, k,
        model.maskId());
    System.out.printf("ODD within-group similarity: alpha 0 %.4f, alpha 16 %.4f%n", base, odd);
    assertTrue(odd < base - 0.025, "alpha 0: " + base + ", alpha 16: " + odd);
  }

  /** A group's output does not depend on the other groups of its call, nor on the order of the rows. */
  @Test
  void groupsIgnoreTheirBatch() {
    MarkovChainDenoiser model = diverseChain(6);
    int m = model.maskId();
    OddSampler sampler = new OddSampler(new LladaSettings(4, 2, 4, 1, 0, RemaskingRule.LOW_CONFIDENCE),
        OddSettings.defaults(), 17);
    List<SequenceKey> keys = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    int[][] prompts = {{1, 2, m, m, m, m}, {5, 5, m, m, m, m}, {0, 7, m, m, m, m}};
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < 3; i++) {
        keys.add(new SequenceKey(100 + g, i));
        rows.add(prompts[g]);
      }
    }
    List<DiffusionSample> together = sampler.sample(model, keys, rows.toArray(new int[0][]));
    List<Integer> order = new ArrayList<>();
    for (int b = 0; b < keys.size(); b++) {
      order.add(b);
    }
    Collections.shuffle(order, new java.util.Random(5));
    List<SequenceKey> shuffledKeys = new ArrayList<>();
    int[][] shuffledRows = new int[keys.size()][];
    for (int i = 0; i < order.size(); i++) {
      shuffledKeys.add(keys.get(order.get(i)));
      shuffledRows[i] = rows.get(order.get(i));
    }
    List<DiffusionSample> shuffled = sampler.sample(model, shuffledKeys, shuffledRows);
    for (int g = 0; g < 3; g++) {
      List<DiffusionSample> alone = sampler.sample(model, keys.subList(3 * g, 3 * g + 3),
          new int[][] {prompts[g], prompts[g], prompts[g]});
      for (int i = 0; i < 3; i++) {
        int b = 3 * g + i;
        assertArrayEquals(alone.get(i).tokens(), together.get(b).tokens(), "group " + g + " sample " + i);
        assertArrayEquals(alone.get(i).tokens(), shuffled.get(order.indexOf(b)).tokens(), "shuffled " + b);
        assertEquals(alone.get(i).modelCalls(), together.get(b).modelCalls());
      }
    }
    IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> sampler.sample(model,
        List.of(new SequenceKey(1, 0), new SequenceKey(1, 1)), new int[][] {prompts[0], prompts[1]}));
    assertTrue(split.getMessage().contains("record key 1"), split.getMessage());
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(model,
        List.of(new SequenceKey(1, 0), new SequenceKey(1, 0)), new int[][] {prompts[0], prompts[0]}));
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> new OddSampler(sampler.lladaSettings(), new OddSettings(1, 1, new int[] {9}), 1)
            .sample(model, List.of(new SequenceKey(1, 0)), new int[][] {prompts[0]}));
    assertTrue(big.getMessage().contains("odd_protected_ids"), big.getMessage());
  }

  @Test
  void settingsErrorsNameTheKey() {
    ConfigException alpha = assertThrows(ConfigException.class, () -> new OddSettings(-1, 1, null));
    assertTrue(alpha.getMessage().contains("'odd_alpha'") && alpha.getMessage().endsWith("got -1.0"), alpha.getMessage());
    assertEquals(2, alpha.exitCode());
    ConfigException scale = assertThrows(ConfigException.class, () -> new OddSettings(1, Double.NaN, null));
    assertTrue(scale.getMessage().contains("'odd_quality_scale'"), scale.getMessage());
    ConfigException ids = assertThrows(ConfigException.class, () -> new OddSettings(1, 1, new int[] {-2}));
    assertTrue(ids.getMessage().contains("'odd_protected_ids'"), ids.getMessage());
    assertEquals(16, OddSettings.defaults().alpha());
    assertEquals(1, OddSettings.defaults().qualityScale());
    assertEquals(8.0, OddSettings.defaults().alphaAt(4, 8));
    int[] given = {1, 2};
    OddSettings s = new OddSettings(1, 1, given);
    given[0] = 7;
    assertArrayEquals(new int[] {1, 2}, s.protectedIds(), "the settings copy their ids");
    assertEquals(new OddSettings(1, 1, new int[] {1, 2}), s);
    assertTrue(OddSettings.defaults().confidenceWeighting(), "the reference's default");
    assertTrue(s.confidenceWeighting(), "the three-argument settings weight by confidence");
    assertEquals(new OddSettings(1, 1, new int[] {1, 2}, true), s);
    assertTrue(!s.equals(new OddSettings(1, 1, new int[] {1, 2}, false)), "the flag is part of the settings");
  }

  /** A sticky chain over S states: stay with 0.6, else a uniform other state; uniform start. */
  static MarkovChainDenoiser diverseChain(int length) {
    int states = 8;
    double[] pi = new double[states];
    double[][] p = new double[states][states];
    for (int a = 0; a < states; a++) {
      pi[a] = 1.0 / states;
      for (int b = 0; b < states; b++) {
        p[a][b] = a == b ? 0.6 : 0.4 / (states - 1);
      }
    }
    return new MarkovChainDenoiser(new MarkovChain(pi, p, length));
  }

  static List<SequenceKey> groupKeys(int groups, int k) {
    List<SequenceKey> keys = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (int i = 0; i < k; i++) {
        keys.add(new SequenceKey(g, i));
      }
    }
    return keys;
  }

  static int[][] groupRows(MaskedDenoiser model, int groups, int k, int length) {
    return MaskedDenoiser.allMasked(model, groups * k, length);
  }

  /** The mean over groups and pairs of the cosine of the max-pooled one-hot features (the sets of states used). */
  static double meanSimilarity(List<DiffusionSample> samples, int groups, int k, int vocab) {
    double sum = 0;
    int pairs = 0;
    for (int g = 0; g < groups; g++) {
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++) {
          double[] a = onehotMax(samples.get(g * k + i).tokens(), vocab);
          double[] b = onehotMax(samples.get(g * k + j).tokens(), vocab);
          sum += dot(unit(a), unit(b));
          pairs++;
        }
      }
    }
    return sum / pairs;
  }

  private static double[] onehotMax(int[] tokens, int vocab) {
    double[] f = new double[vocab];
    for (int t : tokens) {
      f[t] = 1;
    }
    return f;
  }

  private static double[] unit(double[] x) {
    double n = OddRepulsion.norm(x);
    double[] u = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      u[i] = x[i] / n;
    }
    return u;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[][] copy(double[][] z) {
    double[][] c = new double[z.length][];
    for (int l = 0; l < z.length; l++) {
      c[l] = z[l] == null ? null : z[l].clone();
    }
    return c;
  }
}
