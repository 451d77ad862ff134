package io.sampleforge.decode;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exact checks of the processors and warpers on float32 blocks: the golden vectors of the sampler
 * issue (derived by hand from transformers' definitions), properties where float boundaries make
 * vectors fragile (top-p), and parameter validation.
 */
class SamplerGoldenTest extends io.sampleforge.testing.PyTorchFixture {

  private NDArray row(float... values) {
    return manager.create(values, new Shape(1, values.length));
  }

  private NDArray logProbs(double... probs) {
    float[] l = new float[probs.length];
    for (int i = 0; i < probs.length; i++) {
      l[i] = (float) Math.log(probs[i]);
    }
    return row(l);
  }

  private static boolean[] kept(NDArray scores) {
    float[] v = scores.toFloatArray();
    boolean[] k = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      k[i] = v[i] > Float.NEGATIVE_INFINITY;
    }
    return k;
  }

  @Test
  void topKKeepsTies() {
    assertArrayEquals(new boolean[] {false, true, true, true}, kept(LogitsWarpers.topK(row(1, 2, 2, 3), 2, 1)));
    assertArrayEquals(new boolean[] {false, true, true, true}, kept(LogitsWarpers.topK(row(1, 2, 2, 3), 1, 3)),
        "min_tokens_to_keep raises k");
  }

  @Test
  void minP() {
    assertArrayEquals(new boolean[] {true, false, false, true}, kept(LogitsWarpers.minP(logProbs(.3, .1, .1, .5), .5, 1)));
    assertArrayEquals(new boolean[] {false, false, false, true}, kept(LogitsWarpers.minP(logProbs(.3, .1, .1, .5), .7, 1)));
    assertArrayEquals(new boolean[] {true, false, false, true}, kept(LogitsWarpers.minP(logProbs(.3, .1, .1, .5), .7, 2)));
  }

  @Test
  void typicalMayDropTheTopToken() {
    assertArrayEquals(new boolean[] {false, true, true, false, false},
        kept(LogitsWarpers.typical(logProbs(.4, .3, .2, .05, .05), .5, 1)));
    assertArrayEquals(new boolean[] {true, true, true, false, false},
        kept(LogitsWarpers.typical(logProbs(.4, .3, .2, .05, .05), .9, 1)));
  }

  @Test
  void epsilonAndEta() {
    assertArrayEquals(new boolean[] {true, true, true, false, false},
        kept(LogitsWarpers.epsilon(logProbs(.4, .3, .2, .05, .05), .1, 1)));
    assertArrayEquals(new boolean[] {true, true, true, false, false},
        kept(LogitsWarpers.eta(logProbs(.4, .3, .2, .05, .05), .1, 1)));
    // eta(.1): threshold min(.1, sqrt(.1) exp(-H)) = 0.0776 for this vector (H = 1.405), so 0.05 is
    // removed and 0.09 stays, which a threshold of epsilon alone (.1) would remove
    assertArrayEquals(new boolean[] {true, true, true, true, false},
        kept(LogitsWarpers.eta(logProbs(.4, .26, .2, .09, .05), .1, 1)), "eta threshold 0.0776 keeps 0.09, drops 0.05");
  }

  @Test
  void repetitionPenaltyOncePerDistinctId() {
    SamplerSettings s = SamplerSettings.builder().repetitionPenalty(1.2).build();
    SequenceState r = new SequenceState(1, 0, new int[] {0, 1, 1});
    float[] got = LogitsProcessors.apply(s, row(2f, -2f, .5f), List.of(r)).toFloatArray();
    assertArrayEquals(new float[] {2f / 1.2f, -2f * 1.2f, .5f}, got, 0f);
    assertEquals(1.6667f, got[0], 1e-4f);
    SamplerSettings noPrompt = SamplerSettings.builder().repetitionPenalty(1.2).penalizePrompt(false).build();
    assertArrayEquals(new float[] {2f, -2f, .5f}, LogitsProcessors.apply(noPrompt, row(2f, -2f, .5f), List.of(r)).toFloatArray(), 0f);
  }

  @Test
  void presenceFrequencyNgramBadAllowedAndMinNewTokens() {
    SamplerSettings pf = SamplerSettings.builder().presencePenalty(.5).frequencyPenalty(.25).build();
    SequenceState r = new SequenceState(1, 0, new int[] {3});
    r.append(1);
    r.append(1);
    r.append(2);
    assertArrayEquals(new float[] {1f, 1f - .5f - .5f, 1f - .25f - .5f, 1f},
        LogitsProcessors.apply(pf, row(1, 1, 1, 1), List.of(r)).toFloatArray(), 1e-6f, "counts over generated tokens only");
    // no-repeat 2-gram: sequence 3 1 1 2 1 -> last token 1 was followed by 1 and 2 before: both banned
    r.append(1);
    SamplerSettings ng = SamplerSettings.builder().noRepeatNgramSize(2).build();
    assertArrayEquals(new boolean[] {true, false, false, true}, kept(LogitsProcessors.apply(ng, row(0, 0, 0, 0), List.of(r))));
    SamplerSettings bad = SamplerSettings.builder().badTokenIds(List.of(0)).allowedTokenIds(List.of(0, 1, 2)).build();
    assertArrayEquals(new boolean[] {false, true, true, false}, kept(LogitsProcessors.apply(bad, row(0, 0, 0, 0), List.of(r))));
    SamplerSettings minNew = SamplerSettings.builder().minNewTokens(5).eosTokenIds(List.of(3)).build();
    assertArrayEquals(new boolean[] {true, true, true, false}, kept(LogitsProcessors.apply(minNew, row(0, 0, 0, 0), List.of(r))));
    r.append(0);
    assertArrayEquals(new boolean[] {true, true, true, true}, kept(LogitsProcessors.apply(minNew, row(0, 0, 0, 0), List.of(r))),
        "EOS allowed once 5 tokens were generated");
  }

  /** Per-row histories in one batch: rows without ids are untouched, padding never leaks. */
  @Test
  void sparseUpdatesStayInTheirRow() {
    SamplerSettings s = SamplerSettings.builder().repetitionPenalty(2).build();
    SequenceState a = new SequenceState(1, 0, new int[] {2, 3, 2});
    SequenceState b = new SequenceState(2, 0, new int[] {});
    NDArray block = manager.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 4));
    assertArrayEquals(new float[] {1, 1, .5f, .5f, 1, 1, 1, 1},
        LogitsProcessors.apply(s, block, List.of(a, b)).toFloatArray(), 0f);
  }

  /**
   * Top-p as a property (exact boundaries are float-sensitive): the kept set is the smallest set of
   * top tokens whose mass reaches top_p, computed independently in float64 from the same float32
   * probabilities; cases within 1e-5 of a boundary are skipped and counted.
   */
  @Test
  void topPKeepsTheSmallestTopSetReachingTheMass() {
    KeyedStream s = TestStreams.of(3, "top-p-property", 0);
    int checked = 0;
    for (int c = 0; c < 300; c++) {
      int vocab = 3 + (int) (s.uniform(c * 100L) * 30);
      double topP = 0.05 + 0.9 * s.uniform(c * 100L + 1);
      float[] logits = new float[vocab];
      for (int i = 0; i < vocab; i++) {
        logits[i] = (float) (3 * s.gaussian(c * 100L + 2 + i));
      }
      double[] p = softmax(logits);
      Integer[] order = new Integer[vocab];
      for (int i = 0; i < vocab; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
      boolean[] expected = new boolean[vocab];
      double mass = 0;
      boolean nearBoundary = false;
      for (int i = 0; i < vocab && mass < topP; i++) {
        expected[order[i]] = true;
        mass += p[order[i]];
        nearBoundary |= Math.abs(mass - topP) < 1e-5;
      }
      if (nearBoundary) {
        continue;
      }
      assertArrayEquals(expected, kept(LogitsWarpers.topP(row(logits), topP, 1)), "case " + c);
      checked++;
    }
    assertTrue(checked > 280, "checked " + checked);
    assertArrayEquals(new boolean[] {false, false, true, true},
        kept(LogitsWarpers.topP(logProbs(.05, .1, .25, .6), .01, 2)), "min_tokens_to_keep");
  }

  @Test
  void warperChainAppliesInOrderOnRenormalisedScores() {
    // top-k(3) then top-p(0.5): after top-k the renormalised top token holds .4/.9 < .5, so two tokens stay
    SamplerSettings s = SamplerSettings.builder().topK(3).topP(.5).build();
    assertArrayEquals(new boolean[] {true, true, false, false, false},
        kept(LogitsWarpers.apply(s, logProbs(.4, .3, .2, .05, .05))));
    // temperature 0.5 squares the odds: p ∝ [.16, .09, .04, ...] -> top-p(0.5) keeps one token
    SamplerSettings t = SamplerSettings.builder().temperature(.5).topP(.5).build();
    assertArrayEquals(new boolean[] {true, false, false, false, false},
        kept(LogitsWarpers.apply(t, logProbs(.4, .3, .2, .05, .05))));
  }

  /** The compacted chain (after top-k) keeps exactly the tokens the full-width warpers keep, with the same scores. */
  @Test
  void compactedChainEqualsTheFullWidthChain() {
    KeyedStream s = TestStreams.of(9, "compaction", 0);
    int batch = 8;
    int vocab = 2000;
    float[] v = new float[batch * vocab];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (2.5 * s.gaussian(i));
    }
    v[3] = v[7];
    SamplerSettings chain = SamplerSettings.builder().temperature(.7).topK(40).topP(.8).minP(.02).typicalP(.9)
        .epsilon(1e-3).eta(1e-3).minTokensToKeep(2).build();
    NDArray x = manager.create(v, new Shape(batch, vocab));
    NDArray full = LogitsWarpers.topK(x.div(.7f), 40, 2);
    full = LogitsWarpers.topP(full, .8, 2);
    full = LogitsWarpers.minP(full, .02, 2);
    full = LogitsWarpers.typical(full, .9, 2);
    full = LogitsWarpers.epsilon(full, 1e-3, 2);
    full = LogitsWarpers.eta(full, 1e-3, 2);
    float[] expected = full.toFloatArray();
    float[] got = LogitsWarpers.apply(chain, x).toFloatArray();
    assertArrayEquals(expected, got, 0f);
    int finite = 0;
    for (float f : got) {
      finite += f > Float.NEGATIVE_INFINITY ? 1 : 0;
    }
    assertTrue(finite >= 2 * batch && finite < 40 * batch, "some but not all of the top 40 survive: " + finite);
  }

  @Test
  void invalidParametersNameTheParameter() {
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().temperature(0).build())
        .getMessage().contains("'temperature'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().typicalP(0).build())
        .getMessage().contains("'typical_p'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().topP(1.5).build())
        .getMessage().contains("'top_p'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().topK(-1).build())
        .getMessage().contains("'top_k'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().epsilon(1).build())
        .getMessage().contains("'epsilon'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().repetitionPenalty(0).build())
        .getMessage().contains("'repetition_penalty'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().minTokensToKeep(0).build())
        .getMessage().contains("'min_tokens_to_keep'"));
    assertTrue(assertThrows(ConfigException.class, () -> SamplerSettings.builder().eosTokenIds(List.of(9)).build()
        .checkVocabulary(5)).getMessage().contains("'eos_token_ids'"));
  }

  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double z = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      z += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= z;
    }
    return p;
  }
}
