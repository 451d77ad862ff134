package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SVDD and DiDi-Instruct reranking: M = 1 is the ancestral sampler exactly; M > 1 raises the mean
 * reward (measured, asserted with a margin); NFE equals the rows the model saw; batch independence;
 * the settings' errors.
 */
class SvddTest {
  /** The chain of the exact-law tests (states a, b, c = 0, 1, 2; mask 3), length 8. */
  private static MarkovChainDenoiser chain(int length) {
    return new MarkovChainDenoiser(new MarkovChain(FirstHittingLawTest.PI, FirstHittingLawTest.P, length));
  }

  /** The regex reward "b": the number of state-1 tokens (pi = 0.3), which the base sampler rarely makes all-b. */
  private static RegexReward countB() {
    return new RegexReward("b", new TokenText(List.of("a", "b", "c", "[MASK]"), new int[] {3}, ""));
  }

  @Test
  void oneCandidateIsTheAncestralSampler() {
    MarkovChainDenoiser model = chain(6);
    int m = model.maskId();
    List<SequenceKey> keys = List.of(new SequenceKey(1, 0), new SequenceKey(1, 1), new SequenceKey(2, 0),
        new SequenceKey(-77, 3), new SequenceKey(6, 2));
    int[][] initial = {{m, m, m, m, m, m}, {m, m, m, m, m, m}, {2, m, m, 0, m, m}, {m, m, m, m, m, 1},
        {1, 1, 1, 1, 1, 1}};
    List<AncestralSettings> bases = List.of(new AncestralSettings(16, MaskSchedule.LOG_LINEAR, 1e-5, true, true),
        new AncestralSettings(8, MaskSchedule.COSINE, 1e-3, false, false),
        new AncestralSettings(5, MaskSchedule.LINEAR, 1e-5, true, true));
    for (AncestralSettings base : bases) {
      List<DiffusionSample> expected = new AncestralSampler(base, 31).sample(model, keys, initial);
      for (SvddSettings s : List.of(new SvddSettings(base, 1, 0, 1), new SvddSettings(base, 1, 2, 0.5))) {
        List<DiffusionSample> got = new SvddSampler(s, countB(), 31).sample(model, keys, initial);
        for (int b = 0; b < keys.size(); b++) {
          assertArrayEquals(expected.get(b).tokens(), got.get(b).tokens(), s + " row " + b);
          assertEquals(expected.get(b).modelCalls(), got.get(b).modelCalls(), s + " row " + b);
          assertEquals(expected.get(b).cacheHits(), got.get(b).cacheHits(), s + " row " + b);
        }
      }
    }
  }

  /**
   * 300 sequences of length 8, 16 log-linear steps. Mean count of b (reward "b"): measured 1.92 for
   * the base sampler (the chain's exact mean is the sum of the marginals of b), 7.06 for SVDD with M = 8
   * (alpha 0), 2.63 with DiDi-Instruct's schedule (M = 4, alpha 1, later half); asserted with margins, and each sequence's NFE equals the rows the model
   * saw for it.
   */
  @Test
  void candidatesRaiseTheReward() {
    MarkovChainDenoiser model = chain(8);
    AncestralSettings base = new AncestralSettings(16, MaskSchedule.LOG_LINEAR, 1e-5, true, true);
    RegexReward reward = countB();
    int n = 300;
    double plain = meanReward(new AncestralSampler(base, 5), model, reward, n);
    double svdd = meanReward(new SvddSampler(new SvddSettings(base, 8, 0, 1), reward, 5), model, reward, n);
    double didi = meanReward(new SvddSampler(SvddSettings.didiInstruct(base), reward, 5), model, reward, n);
    System.out.printf("SVDD mean reward: base %.3f, M=8 %.3f, DiDi (M=4, alpha 1, half) %.3f%n", plain, svdd, didi);
    double exact = 0;
    double[] marginal = FirstHittingLawTest.PI.clone();
    for (int l = 0; l < 8; l++) {
      exact += marginal[1];
      double[] next = new double[3];
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          next[b] += marginal[a] * FirstHittingLawTest.P[a][b];
        }
      }
      marginal = next;
    }
    assertEquals(exact, plain, 0.4, "the base sampler's mean count of b is the chain's (sum of marginals)");
    assertTrue(svdd > plain + 3, plain + " -> " + svdd);
    assertTrue(didi > plain + 0.3 && didi < svdd, plain + " -> " + didi);

    // NFE: every row sent to the model is counted for the sequence that sent it (one sequence per call here)
    for (SvddSettings s : List.of(new SvddSettings(base, 4, 0, 1), new SvddSettings(base, 3, 0.5, 0.5),
        new SvddSettings(new AncestralSettings(6, MaskSchedule.COSINE, 1e-3, false, true), 5, 0, 1))) {
      for (int i = 0; i < 5; i++) {
        RecordingDenoiser recording = new RecordingDenoiser(model);
        DiffusionSample one = new SvddSampler(s, reward, 5).sample(recording, List.of(new SequenceKey(i, 0)),
            MaskedDenoiser.allMasked(model, 1, 8)).get(0);
        int rows = 0;
        for (int[][] input : recording.inputs) {
          rows += input.length;
        }
        assertEquals(rows, one.modelCalls(), s + " sequence " + i);
        assertEquals(0, one.masked(model.maskId()));
        assertTrue(one.modelCalls() > s.base().steps() / 2, "value calls are counted: " + one.modelCalls());
      }
    }
  }

  /**
   * Each reranked step scores the candidates of the whole batch with one {@link
   * SequenceReward#rewards} call (never one by one when a reward overrides it), and the samples equal
   * those of the same reward scored through the looping default.
   */
  @Test
  void candidatesAreScoredInOneBatchedCall() {
    MarkovChainDenoiser model = chain(6);
    AncestralSettings base = new AncestralSettings(8, MaskSchedule.LOG_LINEAR, 1e-5, true, true);
    List<SequenceKey> keys = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      keys.add(new SequenceKey(i, 1));
    }
    for (SvddSettings s : List.of(new SvddSettings(base, 4, 0, 1), SvddSettings.didiInstruct(base))) {
      RegexReward plain = countB();
      List<DiffusionSample> looped = new SvddSampler(s, tokens -> plain.reward(tokens), 3).sample(model, keys,
          MaskedDenoiser.allMasked(model, 5, 6));
      BatchCounting counting = new BatchCounting(plain);
      List<DiffusionSample> batched = new SvddSampler(s, counting, 3).sample(model, keys,
          MaskedDenoiser.allMasked(model, 5, 6));
      for (int b = 0; b < keys.size(); b++) {
        assertArrayEquals(looped.get(b).tokens(), batched.get(b).tokens(), s + " row " + b);
        assertEquals(looped.get(b).modelCalls(), batched.get(b).modelCalls(), s + " row " + b);
      }
      assertEquals(0, counting.single, "no one-by-one scoring");
      int reranked = s.base().steps() - s.firstRerankStep();
      assertTrue(counting.batches >= 1 && counting.batches <= reranked, counting.batches + " calls");
      assertEquals(0, counting.rows % s.candidates(), "M rows per sequence per call: " + counting.rows);
      assertTrue(counting.rows > counting.batches * s.candidates(), "several sequences per call: " + counting.rows);
    }
  }

  /** Counts the calls a reward gets. */
  private static final class BatchCounting implements SequenceReward {
    private static final long serialVersionUID = 1L;
    private final SequenceReward inner;
    private int single;
    private int batches;
    private int rows;

    BatchCounting(SequenceReward inner) {
      this.inner = inner;
    }

    @Override
    public double reward(int[] tokens) {
      single++;
      return inner.reward(tokens);
    }

    @Override
    public double[] rewards(int[][] tokens) {
      batches++;
      rows += tokens.length;
      double[] out = new double[tokens.length];
      for (int i = 0; i < tokens.length; i++) {
        out[i] = inner.reward(tokens[i]);
      }
      return out;
    }
  }

  @Test
  void sequencesIgnoreTheirBatch() {
    MarkovChainDenoiser model = chain(6);
    int m = model.maskId();
    List<SequenceKey> keys = List.of(new SequenceKey(1, 0), new SequenceKey(1, 1), new SequenceKey(2, 0),
        new SequenceKey(9, 4));
    int[][] initial = {{m, m, m, m, m, m}, {m, m, m, m, m, m}, {2, m, m, 0, m, m}, {m, m, m, m, m, 1}};
    for (SvddSettings s : List.of(new SvddSettings(new AncestralSettings(8, MaskSchedule.LOG_LINEAR, 1e-5, true, true), 4,
        0, 1), SvddSettings.didiInstruct(new AncestralSettings(8, MaskSchedule.COSINE, 1e-3, false, false)))) {
      SvddSampler sampler = new SvddSampler(s, countB(), 13);
      List<DiffusionSample> together = sampler.sample(model, keys, initial);
      List<SequenceKey> reversedKeys = new ArrayList<>(keys);
      Collections.reverse(reversedKeys);
      int[][] reversedRows = new int[initial.length][];
      for (int b = 0; b < initial.length; b++) {
        reversedRows[b] = initial[initial.length - 1 - b];
      }
      List<DiffusionSample> reversed = sampler.sample(model, reversedKeys, reversedRows);
      for (int b = 0; b < keys.size(); b++) {
        DiffusionSample alone = sampler.sample(model, List.of(keys.get(b)), new int[][] {initial[b]}).get(0);
        assertArrayEquals(alone.tokens(), together.get(b).tokens(), s + " row " + b);
        assertArrayEquals(alone.tokens(), reversed.get(keys.size() - 1 - b).tokens(), s + " row " + b);
        assertEquals(alone.modelCalls(), together.get(b).modelCalls());
        assertEquals(alone.cacheHits(), together.get(b).cacheHits());
        for (int l = 0; l < 6; l++) {
          if (initial[b][l] != m) {
            assertEquals(initial[b][l], alone.tokens()[l], "given tokens stay");
          }
        }
      }
    }
  }

  @Test
  void settingsErrorsNameTheKey() {
    AncestralSettings base = AncestralSettings.defaults();
    ConfigException m = assertThrows(ConfigException.class, () -> new SvddSettings(base, 0, 0, 1));
    assertTrue(m.getMessage().contains("'svdd_candidates'") && m.getMessage().endsWith("got 0"), m.getMessage());
    assertEquals(2, m.exitCode());
    assertTrue(assertThrows(ConfigException.class, () -> new SvddSettings(base, 2, -0.5, 1)).getMessage()
        .contains("'svdd_alpha'"));
    assertTrue(assertThrows(ConfigException.class, () -> new SvddSettings(base, 2, 0, 0)).getMessage()
        .contains("'svdd_rerank_fraction'"));
    assertThrows(ConfigException.class, () -> new SvddSettings(base, 2, 0, 1.5));
    assertEquals(10, SvddSettings.defaults().candidates());
    SvddSettings didi = SvddSettings.didiInstruct(new AncestralSettings(16, MaskSchedule.LOG_LINEAR, 1e-5, true, true));
    assertEquals(8, didi.firstRerankStep());
    assertEquals(1, didi.candidatesAt(7));
    assertEquals(4, didi.candidatesAt(8));
    assertEquals(0, SvddSettings.defaults().firstRerankStep());
    MarkovChainDenoiser model = chain(4);
    SvddSampler nan = new SvddSampler(new SvddSettings(base, 2, 0, 1), tokens -> Double.NaN, 1);
    IllegalStateException bad = assertThrows(IllegalStateException.class,
        () -> nan.sample(model, List.of(new SequenceKey(0, 0)), MaskedDenoiser.allMasked(model, 1, 4)));
    assertTrue(bad.getMessage().contains("NaN"), bad.getMessage());
  }

  private static double meanReward(MaskedDiffusionSampler sampler, MarkovChainDenoiser model, SequenceReward reward,
      int n) {
    double sum = 0;
    double calls = 0;
    for (DiffusionSample s : SamplerLaws.sample(sampler, model, n, 50)) {
      sum += reward.reward(s.tokens());
      calls += s.modelCalls();
    }
    System.out.printf("%s: mean reward %.3f, mean NFE %.2f%n", sampler.getClass().getSimpleName(), sum / n, calls / n);
    return sum / n;
  }
}
