package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dream's sampler: the per-step counts int(n (1 - s/t)), never-remask, origin's exact law, alg_temp, errors. */
class DreamSamplerTest {
  static MarkovChainDenoiser chain(int length) {
    return new MarkovChainDenoiser(new MarkovChain(FirstHittingLawTest.PI, FirstHittingLawTest.P, length));
  }

  /**
   * By hand, steps 4, eps 1e-3: t = 1, .75025, .5005, .25075, .001. n = 10: int(10 (1 - .75025)) =
   * int(2.4975) = 2; n = 8: int(8 (1 - .5005/.75025)) = int(2.663) = 2; n = 6: int(6 (1 -
   * .25075/.5005)) = int(2.994) = 2; the last step takes the remaining 4. Steps 6 with n = 6:
   * t_1 = .8335, int(6 (1 - .8335)) = int(0.999) = 0 (no model call), then 1, 1, 1, 1 and the last 2.
   * Checked on the settings and on every model call's input, for each confidence algorithm and
   * temperatures 0 and 1; committed tokens never change.
   */
  @Test
  void countsFollowDreamsScheduleAndTokensStay() {
    DreamSettings four = new DreamSettings(4, 1e-3, DreamAlgorithm.ENTROPY, 0, 0);
    assertEquals(0.75025, four.time(1), 1e-15);
    int[] expected = {2, 2, 2, 4};
    int n = 10;
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], four.transferCount(n, i), "step " + i);
      n -= expected[i];
    }
    assertEquals(0, new DreamSettings(6, 1e-3, DreamAlgorithm.ENTROPY, 0, 0).transferCount(6, 0));
    check(10, 4, expected);
    check(6, 6, new int[] {0, 1, 1, 1, 1, 2});
  }

  private static void check(int length, int steps, int[] perStep) {
    MarkovChainDenoiser chain = chain(length);
    int m = chain.maskId();
    int calls = (int) Arrays.stream(perStep).filter(k -> k > 0).count();
    for (DreamAlgorithm alg : List.of(DreamAlgorithm.MASKGIT_PLUS, DreamAlgorithm.TOPK_MARGIN, DreamAlgorithm.ENTROPY)) {
      for (double temperature : new double[] {0, 1}) {
        for (double algTemp : new double[] {0, 0.5}) {
          DreamSampler sampler = new DreamSampler(new DreamSettings(steps, 1e-3, alg, algTemp, temperature), 8);
          for (int key = 0; key < 10; key++) {
            RecordingDenoiser model = new RecordingDenoiser(chain);
            DiffusionSample out = sampler.sample(model, List.of(new SequenceKey(key, 1)),
                MaskedDenoiser.allMasked(chain, 1, length)).get(0);
            String where = alg.id() + " T=" + temperature + " alg_temp=" + algTemp + " key " + key;
            assertEquals(calls, out.modelCalls(), where);
            List<int[]> states = new ArrayList<>();
            for (int[][] call : model.inputs) {
              states.add(call[0]);
            }
            states.add(out.tokens());
            int c = 0;
            for (int k : perStep) {
              if (k == 0) {
                continue;
              }
              int[] before = states.get(c);
              int[] after = states.get(c + 1);
              assertEquals(k, model.masked(before, 0, length) - model.masked(after, 0, length), where + " call " + c);
              for (int l = 0; l < length; l++) {
                if (before[l] != m) {
                  assertEquals(before[l], after[l], where + ": position " + l + " changed after it was committed");
                }
              }
              c++;
            }
            assertEquals(0, out.masked(m), where);
          }
        }
      }
    }
  }

  /**
   * alg: origin at temperature 1 follows its own exact law: each masked position unmasks with
   * probability 1 - s/t (1 in the last step) and draws from its conditional given the state before
   * the step, propagated exactly over all partially masked sequences ({@link AncestralLaw}). 8 steps
   * on the 3-state chain of length 4, N = 20,000. The law is not the chain's (same-step unmasking
   * factorises): the chain law is rejected at this N.
   */
  @Test
  void originFollowsItsExactLaw() {
    MarkovChainDenoiser model = FirstHittingLawTest.model();
    DreamSettings settings = new DreamSettings(8, 1e-3, DreamAlgorithm.ORIGIN, 0, 1);
    assertEquals(1 - settings.time(1), settings.unmaskProbability(0), 1e-15);
    assertEquals(1, settings.unmaskProbability(7));
    double[] unmask = new double[8];
    for (int i = 0; i < 8; i++) {
      unmask[i] = 1 - settings.time(i + 1) / settings.time(i);
    }
    unmask[7] = 1;
    double[] exact = AncestralLaw.of(model, unmask, true);
    List<DiffusionSample> samples = SamplerLaws.sample(new DreamSampler(settings, 6), model, 20_000, 1000);
    for (DiffusionSample s : samples) {
      assertEquals(0, s.masked(model.maskId()));
      assertTrue(s.modelCalls() >= 1 && s.modelCalls() <= 4, "one call per step that unmasks something: " + s.modelCalls());
    }
    long[] counts = SamplerLaws.sequenceCounts(model.chain(), samples);
    ChiSquare own = ChiSquare.of(counts, exact);
    ChiSquare chainLaw = ChiSquare.of(counts, model.chain().sequenceLaw());
    System.out.println("Dream origin, 8 steps: against its exact law " + own + "; against the chain law " + chainLaw);
    assertTrue(own.pValue() > 1e-3, own.toString());
    assertTrue(chainLaw.pValue() < 1e-6, chainLaw.toString());
  }

  /**
   * alg_temp > 0 draws the positions from softmax(confidence / alg_temp): a tiny alg_temp gives the
   * top-k choice exactly (the other weights underflow), a large one changes some choices.
   */
  @Test
  void algTempSamplesPositions() {
    MarkovChainDenoiser chain = chain(8);
    int differ = 0;
    for (int key = 0; key < 30; key++) {
      List<SequenceKey> keys = List.of(new SequenceKey(key, 0));
      int[][] start = MaskedDenoiser.allMasked(chain, 1, 8);
      int[] topK = new DreamSampler(new DreamSettings(5, 1e-3, DreamAlgorithm.ENTROPY, 0, 1), 2).sample(chain, keys, start)
          .get(0).tokens();
      int[] cold = new DreamSampler(new DreamSettings(5, 1e-3, DreamAlgorithm.ENTROPY, 1e-300, 1), 2).sample(chain, keys, start)
          .get(0).tokens();
      int[] hot = new DreamSampler(new DreamSettings(5, 1e-3, DreamAlgorithm.ENTROPY, 100, 1), 2).sample(chain, keys, start)
          .get(0).tokens();
      assertArrayEquals(topK, cold, "key " + key);
      differ += Arrays.equals(topK, hot) ? 0 : 1;
    }
    assertTrue(differ >= 5, differ + " of 30 outputs changed with alg_temp 100");
  }

  @Test
  void badSettingsNameTheKey() {
    ConfigException alg = assertThrows(ConfigException.class, () -> DreamAlgorithm.parse("alg", "maskgit"));
    assertTrue(alg.getMessage().contains("'alg'") && alg.getMessage().contains("maskgit_plus"), alg.getMessage());
    assertEquals(DreamAlgorithm.TOPK_MARGIN, DreamAlgorithm.parse("alg", "TOPK_MARGIN"));
    assertTrue(assertThrows(ConfigException.class, () -> new DreamSettings(8, 1, DreamAlgorithm.ORIGIN, 0, 0))
        .getMessage().contains("'eps'"));
    assertTrue(assertThrows(ConfigException.class, () -> new DreamSettings(8, 1e-3, DreamAlgorithm.ORIGIN, -1, 0))
        .getMessage().contains("'alg_temp'"));
    assertTrue(assertThrows(ConfigException.class, () -> new DreamSettings(0, 1e-3, DreamAlgorithm.ORIGIN, 0, 0))
        .getMessage().contains("'steps'"));
    assertFalse(DreamSettings.defaults().alg() != DreamAlgorithm.ORIGIN);
  }

  /**
   * On the fixed denoiser of {@link LladaSamplerTest#DISAGREE} with 3 masks and 2 steps, the first
   * step commits int(3 (1 - .5005)) = 1 position: maskgit_plus (T = 0: max p) and entropy choose
   * position 0, topk_margin position 1.
   */
  @Test
  void eachAlgorithmRanksByItsOwnConfidence() {
    FixedDenoiser fixed = new FixedDenoiser(LladaSamplerTest.DISAGREE);
    DreamAlgorithm[] algs = {DreamAlgorithm.MASKGIT_PLUS, DreamAlgorithm.TOPK_MARGIN, DreamAlgorithm.ENTROPY};
    int[] expected = {0, 1, 0};
    for (int a = 0; a < algs.length; a++) {
      RecordingDenoiser model = new RecordingDenoiser(fixed);
      DiffusionSample out = new DreamSampler(new DreamSettings(2, 1e-3, algs[a], 0, 0), 1)
          .sample(model, List.of(new SequenceKey(0, 0)), MaskedDenoiser.allMasked(fixed, 1, 3)).get(0);
      assertEquals(2, out.modelCalls());
      int[] second = model.inputs.get(1)[0];
      for (int l = 0; l < 3; l++) {
        assertEquals(l == expected[a], second[l] != 3, algs[a].id() + " commits position " + expected[a] + " first");
      }
      assertArrayEquals(new int[] {0, 0, 0}, out.tokens(), "T = 0: every value is its argmax (ties to the smaller id)");
    }
  }
}
