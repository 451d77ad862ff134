package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exactness experiment of shared/notes/samplers.md ("Checked fact", 2026-12-06) on the Markov
 * oracle: committing one position per step with an exact model reproduces the chain's joint law
 * when the position is chosen from the state alone (LLaDA's random, and Dream's topk_margin /
 * entropy confidences inside LLaDA's blocks), and is biased when the confidence is the probability
 * of the value already drawn (LLaDA low_confidence), even at one token per step. A sticky 3-state
 * asymmetric chain of length 6 (729 sequences), LLaDA with gen_length = block_length = steps = 6 and
 * temperature 1, N = 20,000 per rule, fixed seeds. Fits: p > 1e-3 on whole sequences and every
 * adjacent pair; rejection: p < 1e-6.
 */
class RemaskingLawTest {
  static final double[] PI = {0.5, 0.3, 0.2};
  static final double[][] P = {{0.9, 0.08, 0.02}, {0.05, 0.85, 0.1}, {0.15, 0.05, 0.8}};
  static final int LENGTH = 6;
  static final int N = 20_000;

  static MarkovChainDenoiser model() {
    return new MarkovChainDenoiser(new MarkovChain(PI, P, LENGTH));
  }

  static ChiSquare[] fits(RemaskingRule rule) {
    MarkovChainDenoiser model = model();
    MarkovChain chain = model.chain();
    LladaSampler sampler = new LladaSampler(new LladaSettings(LENGTH, LENGTH, LENGTH, 1, 0, rule), 17);
    List<DiffusionSample> samples = SamplerLaws.sample(sampler, model, N, 1000);
    for (DiffusionSample s : samples) {
      assertEquals(LENGTH, s.modelCalls(), "one token per model call");
    }
    double[] law = chain.sequenceLaw();
    ChiSquare[] out = new ChiSquare[LENGTH];
    out[0] = ChiSquare.of(SamplerLaws.sequenceCounts(chain, samples), law);
    for (int i = 0; i + 1 < LENGTH; i++) {
      out[i + 1] = ChiSquare.of(SamplerLaws.pairCounts(3, samples, i, i + 1), SamplerLaws.pairLaw(chain, law, i, i + 1));
    }
    System.out.println("LLaDA one token per step, remasking " + rule.id() + ": whole sequences " + out[0]
        + "; adjacent pairs " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(out, 1, LENGTH)));
    return out;
  }

  @Test
  void valueIndependentConfidencesAreExact() {
    for (RemaskingRule rule : List.of(RemaskingRule.ENTROPY, RemaskingRule.TOPK_MARGIN, RemaskingRule.RANDOM)) {
      assertTrue(rule.valueIndependent());
      for (ChiSquare fit : fits(rule)) {
        assertTrue(fit.pValue() > 1e-3, rule.id() + ": " + fit);
      }
    }
  }

  @Test
  void lowConfidenceIsBiasedEvenAtOneTokenPerStep() {
    assertTrue(!RemaskingRule.LOW_CONFIDENCE.valueIndependent());
    ChiSquare[] fits = fits(RemaskingRule.LOW_CONFIDENCE);
    assertTrue(fits[0].pValue() < 1e-6, "whole sequences must reject low_confidence: " + fits[0]);
  }
}
