package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.List;

/** Sampling many sequences from a chain's denoiser and counting whole sequences and position pairs. */
final class SamplerLaws {
  private SamplerLaws() {}

  /** n fully masked sequences with keys (i / 3, i % 3), sampled in batches of {@code batch}. */
  static List<DiffusionSample> sample(MaskedDiffusionSampler sampler, MarkovChainDenoiser model, int n, int batch) {
    return sample(sampler, model, model.chain().length(), n, batch);
  }

  static List<DiffusionSample> sample(MaskedDiffusionSampler sampler, MaskedDenoiser model, int length, int n, int batch) {
    List<DiffusionSample> all = new ArrayList<>(n);
    for (int start = 0; start < n; start += batch) {
      int size = Math.min(batch, n - start);
      List<SequenceKey> keys = new ArrayList<>(size);
      for (int i = start; i < start + size; i++) {
        keys.add(new SequenceKey(i / 3, i % 3));
      }
      all.addAll(sampler.sample(model, keys, MaskedDenoiser.allMasked(model, size, length)));
    }
    return all;
  }

  static long[] sequenceCounts(MarkovChain chain, List<DiffusionSample> samples) {
    long[] counts = new long[chain.sequenceLaw().length];
    for (DiffusionSample s : samples) {
      counts[chain.index(s.tokens())]++;
    }
    return counts;
  }

  static long[] pairCounts(int states, List<DiffusionSample> samples, int i, int j) {
    long[] counts = new long[states * states];
    for (DiffusionSample s : samples) {
      int[] x = s.tokens();
      counts[x[i] * states + x[j]]++;
    }
    return counts;
  }

  /** The pair law of (x_i, x_j) flattened as a * S + b, from a whole-sequence law. */
  static double[] pairLaw(MarkovChain chain, double[] sequenceLaw, int i, int j) {
    int s = chain.states();
    double[] law = new double[s * s];
    int[] x = new int[chain.length()];
    for (int idx = 0; idx < sequenceLaw.length; idx++) {
      chain.decode(idx, x);
      law[x[i] * s + x[j]] += sequenceLaw[idx];
    }
    return law;
  }
}
