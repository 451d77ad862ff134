package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exact-law tests of the first-hitting sampler on the Markov-chain oracle ("Is Your Diffusion
 * Sampler Actually Correct?", arXiv 2602.19619): a 3-state chain of length 4 (81 sequences) with
 * strongly dependent, asymmetric transitions. Fixed seeds; thresholds p > 1e-3 for the exact
 * sampler and p < 1e-6 for the power check.
 */
class FirstHittingLawTest {
  static final double[] PI = {0.5, 0.3, 0.2};
  static final double[][] P = {{0.8, 0.1, 0.1}, {0.1, 0.7, 0.2}, {0.15, 0.05, 0.8}};
  static final int N = 30_000;

  static MarkovChainDenoiser model() {
    return new MarkovChainDenoiser(new MarkovChain(PI, P, 4));
  }

  /**
   * One token per model call reproduces the chain's joint law: chi-square on the 81 whole-sequence
   * counts and on each adjacent pair's 9 counts, at N = 30,000; every sequence took exactly 4 calls.
   */
  @Test
  void oneTokenPerCallReproducesTheJointLaw() {
    MarkovChainDenoiser model = model();
    MarkovChain chain = model.chain();
    List<DiffusionSample> samples = SamplerLaws.sample(new FirstHittingSampler(FirstHittingSettings.defaults(), 11), model, N, 500);
    for (DiffusionSample s : samples) {
      assertEquals(4, s.modelCalls());
      assertEquals(0, s.masked(model.maskId()));
    }
    double[] law = chain.sequenceLaw();
    ChiSquare whole = ChiSquare.of(SamplerLaws.sequenceCounts(chain, samples), law);
    System.out.println("FHS k = 1, whole sequences: " + whole);
    assertTrue(whole.pValue() > 1e-3, "whole sequences: " + whole);
    for (int i = 0; i + 1 < chain.length(); i++) {
      ChiSquare pair = ChiSquare.of(SamplerLaws.pairCounts(3, samples, i, i + 1), SamplerLaws.pairLaw(chain, law, i, i + 1));
      assertTrue(pair.pValue() > 1e-3, "pair (" + i + ", " + (i + 1) + "): " + pair);
    }
  }

  /**
   * Power check: the approximate 2-tokens-per-call variant (2 model calls per sequence) draws pairs
   * of positions independently given the state, and the same test at the same N rejects it.
   */
  @Test
  void twoTokensPerCallIsRejectedAtTheSameSampleSize() {
    MarkovChainDenoiser model = model();
    MarkovChain chain = model.chain();
    List<DiffusionSample> samples = SamplerLaws.sample(
        new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.LOG_LINEAR, 2), 11), model, N, 500);
    for (DiffusionSample s : samples) {
      assertEquals(2, s.modelCalls());
    }
    ChiSquare whole = ChiSquare.of(SamplerLaws.sequenceCounts(chain, samples), chain.sequenceLaw());
    System.out.println("FHS k = 2, whole sequences: " + whole);
    assertTrue(whole.pValue() < 1e-6, "the k = 2 sampler must be rejected: " + whole);
  }
}
