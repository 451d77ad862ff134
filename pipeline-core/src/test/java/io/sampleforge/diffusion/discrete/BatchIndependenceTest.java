package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sequence's output depends only on (seed, record key, sample index, initial tokens, model): the
 * same sequence sampled alone, in a batch, or in a batch in reverse order gives the same tokens,
 * model calls, cache hits and commits per step; given tokens (a prompt) are never changed.
 */
class BatchIndependenceTest {
  @Test
  void everySamplerIgnoresItsBatch() {
    MarkovChainDenoiser model = new MarkovChainDenoiser(new MarkovChain(FirstHittingLawTest.PI, FirstHittingLawTest.P, 6));
    int m = model.maskId();
    List<SequenceKey> keys = List.of(new SequenceKey(1, 0), new SequenceKey(1, 1), new SequenceKey(2, 0),
        new SequenceKey(-77, 3), new SequenceKey(5, 0), new SequenceKey(6, 2));
    int[][] initial = {{m, m, m, m, m, m}, {m, m, m, m, m, m}, {2, m, m, 0, m, m}, {m, m, m, m, m, 1},
        {0, 0, 0, 0, 0, m}, {1, 1, 1, 1, 1, 1}};
    List<MaskedDiffusionSampler> samplers = List.of(
        new FirstHittingSampler(FirstHittingSettings.defaults(), 21),
        new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.COSINE, 2), 21),
        new AncestralSampler(new AncestralSettings(16, MaskSchedule.LOG_LINEAR, 1e-5, true, true), 21),
        new AncestralSampler(new AncestralSettings(16, MaskSchedule.COSINE, 1e-3, false, false), 21),
        new LladaSampler(new LladaSettings(6, 3, 4, 0.7, 1.5, RemaskingRule.LOW_CONFIDENCE), 21),
        new LladaSampler(new LladaSettings(6, 2, 6, 1, 0, RemaskingRule.RANDOM), 21),
        new DreamSampler(new DreamSettings(5, 1e-3, DreamAlgorithm.ORIGIN, 0, 1), 21),
        new DreamSampler(new DreamSettings(5, 1e-3, DreamAlgorithm.ENTROPY, 0.3, 0.8), 21),
        new DreamSampler(new DreamSettings(4, 1e-3, DreamAlgorithm.MASKGIT_PLUS, 0, 1), 21),
        new ParallelDecodingSampler(new ParallelDecodingSettings(6, 3, 1, ConfidenceKind.DRAWN,
            new CommitRule.Threshold(0.7)), 21),
        new ParallelDecodingSampler(new ParallelDecodingSettings(6, 6, 0.8, ConfidenceKind.MAX_PROBABILITY,
            new CommitRule.Factor(1)), 21),
        new ParallelDecodingSampler(new ParallelDecodingSettings(6, 2, 1, ConfidenceKind.MAX_PROBABILITY,
            new CommitRule.Profile(0.1)), 21));
    for (MaskedDiffusionSampler sampler : samplers) {
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
        DiffusionSample back = reversed.get(keys.size() - 1 - b);
        String where = sampler.getClass().getSimpleName() + " sequence " + b;
        assertArrayEquals(alone.tokens(), together.get(b).tokens(), where);
        assertArrayEquals(alone.tokens(), back.tokens(), where);
        assertEquals(alone.modelCalls(), together.get(b).modelCalls(), where);
        assertEquals(alone.cacheHits(), together.get(b).cacheHits(), where);
        assertEquals(alone.modelCalls(), back.modelCalls(), where);
        assertArrayEquals(alone.commitsPerStep(), together.get(b).commitsPerStep(), where);
        assertArrayEquals(alone.commitsPerStep(), back.commitsPerStep(), where);
        for (int l = 0; l < initial[b].length; l++) {
          if (initial[b][l] != m) {
            assertEquals(initial[b][l], alone.tokens()[l], where + " keeps its given token at " + l);
          }
        }
      }
      assertEquals(0, together.get(5).modelCalls(), "a sequence with nothing masked is not sent to the model");
    }
    // two sample indices of one record differ somewhere (distinct streams); a different seed changes the output
    FirstHittingSampler fhs = new FirstHittingSampler(FirstHittingSettings.defaults(), 21);
    List<DiffusionSample> many = SamplerLaws.sample(fhs, model, 40, 40);
    List<DiffusionSample> otherSeed = SamplerLaws.sample(new FirstHittingSampler(FirstHittingSettings.defaults(), 22), model, 40, 40);
    int same = 0;
    int sameAcrossSeeds = 0;
    for (int i = 1; i < 40; i++) {
      same += java.util.Arrays.equals(many.get(i).tokens(), many.get(0).tokens()) ? 1 : 0;
      sameAcrossSeeds += java.util.Arrays.equals(many.get(i).tokens(), otherSeed.get(i).tokens()) ? 1 : 0;
    }
    org.junit.jupiter.api.Assertions.assertTrue(same < 20 && sameAcrossSeeds < 20, same + " " + sameAcrossSeeds);
  }
}
