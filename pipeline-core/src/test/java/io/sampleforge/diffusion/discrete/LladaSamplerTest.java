package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LLaDA's sampler as exact unit tests: transfer counts, block order, never-remask, NFE, the
 * divisibility errors, and classifier-free guidance on a hand-made denoiser.
 */
class LladaSamplerTest {
  /** floor(M / s) per step plus 1 in the first M mod s steps (LLaDA get_num_transfer_tokens), by hand. */
  @Test
  void transferCountsFollowLlada() {
    assertArrayEquals(new int[] {3, 3, 2, 2}, LladaSettings.transferCounts(10, 4));
    assertArrayEquals(new int[] {1, 1, 1, 0, 0}, LladaSettings.transferCounts(3, 5));
    assertArrayEquals(new int[] {2, 2, 2, 2}, LladaSettings.transferCounts(8, 4));
    assertArrayEquals(new int[] {0, 0}, LladaSettings.transferCounts(0, 2));
    assertArrayEquals(new int[] {7}, LladaSettings.transferCounts(7, 1));
  }

  @Test
  void divisibilityErrorsNameTheKeyAndTheValues() {
    ConfigException block = assertThrows(ConfigException.class,
        () -> new LladaSettings(10, 4, 8, 0, 0, RemaskingRule.LOW_CONFIDENCE));
    assertTrue(block.getMessage().contains("'block_length'") && block.getMessage().contains("gen_length = 10")
        && block.getMessage().endsWith("got 4"), block.getMessage());
    assertEquals(2, block.exitCode());
    ConfigException steps = assertThrows(ConfigException.class,
        () -> new LladaSettings(12, 4, 8, 0, 0, RemaskingRule.LOW_CONFIDENCE));
    assertTrue(steps.getMessage().contains("'steps'") && steps.getMessage().contains("= 3")
        && steps.getMessage().endsWith("got 8"), steps.getMessage());
    assertThrows(ConfigException.class, () -> new LladaSettings(8, 4, 8, -1, 0, RemaskingRule.RANDOM));
    assertThrows(ConfigException.class, () -> new LladaSettings(8, 4, 8, 0, Double.NaN, RemaskingRule.RANDOM));
    ConfigException rule = assertThrows(ConfigException.class, () -> RemaskingRule.parse("remasking", "lowest"));
    assertTrue(rule.getMessage().contains("low_confidence"), rule.getMessage());
    assertEquals(RemaskingRule.TOPK_MARGIN, RemaskingRule.parse("remasking", "topk-margin"));
    LladaSettings ok = new LladaSettings(12, 4, 9, 0, 0, RemaskingRule.RANDOM);
    assertEquals(3, ok.blocks());
    assertEquals(3, ok.stepsPerBlock());
  }

  /**
   * A chain of length 10: a prompt of 2 given tokens, gen_length 8 in two blocks of 4, 3 steps per
   * block, and one more given token inside block 0 (position 5). Block 0 has M = 3 masks: 1, 1, 1
   * per step; block 1 has M = 4: 2, 1, 1. Checked on every model call's input: the tokens committed
   * since the previous call, no position of block 1 committed before block 0 is full, no committed
   * token ever changes, one call per step (6), for every remasking rule and temperatures 0 and 1.
   */
  @Test
  void blocksFillInOrderAndCommittedTokensNeverChange() {
    MarkovChainDenoiser chain = new MarkovChainDenoiser(new MarkovChain(FirstHittingLawTest.PI, FirstHittingLawTest.P, 10));
    int m = chain.maskId();
    int[] start = {0, 0, m, m, m, 2, m, m, m, m};
    int[] expectedNew = {1, 1, 1, 2, 1, 1};
    for (RemaskingRule rule : RemaskingRule.values()) {
      for (double temperature : new double[] {0, 1}) {
        LladaSampler sampler = new LladaSampler(new LladaSettings(8, 4, 6, temperature, 0, rule), 3);
        for (int key = 0; key < 20; key++) {
          RecordingDenoiser model = new RecordingDenoiser(chain);
          DiffusionSample out = sampler.sample(model, List.of(new SequenceKey(key, 0)), new int[][] {start}).get(0);
          String where = rule + " T=" + temperature + " key " + key;
          assertEquals(6, out.modelCalls(), where);
          assertEquals(6, model.inputs.size(), where);
          List<int[]> states = new ArrayList<>();
          for (int[][] call : model.inputs) {
            assertEquals(1, call.length, where);
            states.add(call[0]);
          }
          states.add(out.tokens());
          for (int c = 1; c < states.size(); c++) {
            int[] before = states.get(c - 1);
            int[] after = states.get(c);
            assertEquals(expectedNew[c - 1], model.masked(before, 0, 10) - model.masked(after, 0, 10), where + " call " + c);
            for (int l = 0; l < 10; l++) {
              if (before[l] != m) {
                assertEquals(before[l], after[l], where + ": committed position " + l + " changed after call " + c);
              }
            }
            if (model.masked(after, 6, 10) < 4) {
              assertEquals(0, model.masked(after, 2, 6), where + ": block 1 committed before block 0 was full");
            }
          }
          assertEquals(0, out.masked(m), where);
        }
      }
    }
  }

  /** Steps that commit nothing (M < s) make no model call: gen_length 4, 6 steps: counts 1, 1, 1, 1, 0, 0. */
  @Test
  void stepsWithoutTransfersCallNoModel() {
    MarkovChainDenoiser chain = new MarkovChainDenoiser(new MarkovChain(FirstHittingLawTest.PI, FirstHittingLawTest.P, 4));
    RecordingDenoiser model = new RecordingDenoiser(chain);
    DiffusionSample out = new LladaSampler(new LladaSettings(4, 4, 6, 1, 0, RemaskingRule.LOW_CONFIDENCE), 1)
        .sample(model, List.of(new SequenceKey(0, 0)), MaskedDenoiser.allMasked(chain, 1, 4)).get(0);
    assertEquals(4, out.modelCalls());
    assertEquals(4, model.inputs.size());
    assertThrows(IllegalArgumentException.class, () -> new LladaSampler(new LladaSettings(2, 2, 2, 0, 0,
        RemaskingRule.RANDOM), 1).sample(chain, List.of(new SequenceKey(0, 0)), new int[][] {{chain.maskId(), 0, 1, 2}}),
        "a mask in the prompt (before the last gen_length positions) is rejected");
  }

  /**
   * The guidance formula by hand: c = (.5, .3, .2), u = (.2, .3, .5), w = 1: log q = log u + 2 (log c
   * - log u), q proportional to c^2 / u = (1.25, .3, .08), i.e. (.766871, .184049, .049080); w = 0
   * gives c. The mask column stays 0.
   */
  @Test
  void guidanceFormulaByHand() {
    double[] c = {0.5, 0.3, 0.2, 0};
    LladaSampler.guide(c, new double[] {0.2, 0.3, 0.5, 0}, 1, 3);
    double z = 1.25 + 0.3 + 0.08;
    assertArrayEquals(new double[] {1.25 / z, 0.3 / z, 0.08 / z, 0}, c, 1e-12);
    double[] same = {0.5, 0.3, 0.2, 0};
    LladaSampler.guide(same, new double[] {0.2, 0.3, 0.5, 0}, 0, 3);
    assertArrayEquals(new double[] {0.5, 0.3, 0.2, 0}, same, 1e-12);
    assertThrows(IllegalStateException.class, () -> LladaSampler.guide(new double[] {0.5, 0.5, 0}, new double[] {1, 0, 0}, 1, 2));
  }

  /**
   * End to end on a hand-made denoiser (V = 4, mask 3, rows of length 2: a prompt token and one
   * generated position): the generated position's conditional is c = (.4, .35, .25) when the
   * prompt is visible and u = (.6, .2, .2) when it is masked. Each step sends the row and its
   * unconditional copy (prompt masked) in one call and counts 2 calls. T = 0: w = 0 gives the argmax
   * of c (0), w = 1 that of c^2/u = (.2667, .6125, .3125) (1). T = 1, w = 1: the draws follow q =
   * c^2/u normalised (chi-square at N = 20,000), which also checks the keyed Gumbel-argmax.
   */
  @Test
  void guidanceEndToEnd() {
    MaskedDenoiser handMade = new MaskedDenoiser() {
      @Override
      public int vocabularySize() {
        return 4;
      }

      @Override
      public int maskId() {
        return 3;
      }

      @Override
      public boolean timeConditioned() {
        return false;
      }

      @Override
      public DenoiserOutput denoise(int[][] tokens, double[] times) {
        double[] data = new double[tokens.length * 2 * 4];
        for (int b = 0; b < tokens.length; b++) {
          double[] row = tokens[b][0] == 3 ? new double[] {0.6, 0.2, 0.2, 0} : new double[] {0.4, 0.35, 0.25, 0};
          System.arraycopy(row, 0, data, (b * 2 + 1) * 4, 4);
        }
        return new DenseProbabilities(data, tokens.length, 2, 4);
      }
    };
    RecordingDenoiser model = new RecordingDenoiser(handMade);
    int[][] start = {{0, 3}};
    List<SequenceKey> key = List.of(new SequenceKey(9, 0));
    DiffusionSample plain = new LladaSampler(new LladaSettings(1, 1, 1, 0, 0, RemaskingRule.LOW_CONFIDENCE), 1)
        .sample(model, key, start).get(0);
    assertArrayEquals(new int[] {0, 0}, plain.tokens());
    assertEquals(1, plain.modelCalls());
    model.inputs.clear();
    DiffusionSample cfg = new LladaSampler(new LladaSettings(1, 1, 1, 0, 1, RemaskingRule.LOW_CONFIDENCE), 1)
        .sample(model, key, start).get(0);
    assertArrayEquals(new int[] {0, 1}, cfg.tokens());
    assertEquals(2, cfg.modelCalls());
    assertEquals(1, model.inputs.size());
    assertArrayEquals(new int[][] {{0, 3}, {3, 3}}, model.inputs.get(0));

    int n = 20_000;
    LladaSampler sampler = new LladaSampler(new LladaSettings(1, 1, 1, 1, 1, RemaskingRule.LOW_CONFIDENCE), 4);
    List<SequenceKey> keys = new ArrayList<>();
    int[][] rows = new int[n][];
    for (int i = 0; i < n; i++) {
      keys.add(new SequenceKey(i, 0));
      rows[i] = new int[] {0, 3};
    }
    long[] counts = new long[3];
    for (DiffusionSample s : sampler.sample(handMade, keys, rows)) {
      counts[s.tokens()[1]]++;
    }
    double z = 0.4 * 0.4 / 0.6 + 0.35 * 0.35 / 0.2 + 0.25 * 0.25 / 0.2;
    ChiSquare fit = ChiSquare.of(counts, new double[] {0.4 * 0.4 / 0.6 / z, 0.35 * 0.35 / 0.2 / z, 0.25 * 0.25 / 0.2 / z});
    System.out.println("LLaDA guided draws (w = 1, T = 1) against c^2/u: " + fit);
    assertTrue(fit.pValue() > 1e-3, fit.toString());
    ChiSquare unguided = ChiSquare.of(counts, new double[] {0.4, 0.35, 0.25});
    assertTrue(unguided.pValue() < 1e-6, "power: the unguided law must be rejected: " + unguided);
  }

  /**
   * Which position each rule commits first, by hand, on a fixed denoiser: position 0 has (.6, .4, 0),
   * position 1 (.5, .25, .25), position 2 (1/3, 1/3, 1/3). Max probability: .6, .5, .333 (position 0
   * first); margin: .2, .25, 0 (position 1); negative entropy: -.673, -1.040, -1.099 (position 0).
   * Shared with Dream: margin and entropy disagree here, so each rule is checked on its own.
   */
  static final double[][] DISAGREE = {{0.6, 0.4, 0, 0}, {0.5, 0.25, 0.25, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0, 0}};

  @Test
  void eachRuleRanksByItsOwnConfidence() {
    FixedDenoiser fixed = new FixedDenoiser(DISAGREE);
    int[][] start = MaskedDenoiser.allMasked(fixed, 1, 3);
    int[] expected = {0, 1, 0};
    RemaskingRule[] rules = {RemaskingRule.LOW_CONFIDENCE, RemaskingRule.TOPK_MARGIN, RemaskingRule.ENTROPY};
    for (int r = 0; r < rules.length; r++) {
      RecordingDenoiser model = new RecordingDenoiser(fixed);
      new LladaSampler(new LladaSettings(3, 3, 3, 0, 0, rules[r]), 1).sample(model, List.of(new SequenceKey(0, 0)), start);
      int[] second = model.inputs.get(1)[0];
      for (int l = 0; l < 3; l++) {
        assertEquals(l == expected[r], second[l] != 3, rules[r].id() + " commits position " + expected[r] + " first");
      }
    }
  }
}
