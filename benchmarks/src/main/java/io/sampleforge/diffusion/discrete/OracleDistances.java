package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * Shared measurements of the Markov-oracle benchmarks ({@link MarkovOracleBench}, {@link
 * ParallelFrontierBench}): drawing N fully masked sequences from a {@link MarkovChainDenoiser}, the
 * total variation between the sampled and the exact pair marginal of two positions, Pearson's
 * chi-square of the same pair counts ({@link ChiSquare} of the pipeline-core test fixtures), and the
 * expected total variation an exact sampler shows at N (the noise floor), computed exactly: by
 * linearity E TV = 1/2 sum over cells of E|X/N - p| with X ~ Binomial(N, p), and de Moivre's closed
 * form E|X - Np| = 2 v C(N, v) p^v (1 - p)^(N - v + 1), v = floor(Np) + 1. Cost: O(N) per pair for
 * the counts, O(S^2) per pair for the floor.
 */
final class OracleDistances {
  private OracleDistances() {}

  /** n fully masked sequences with keys (i, 0), sampled in batches of 512. */
  static List<DiffusionSample> draw(MaskedDiffusionSampler sampler, MarkovChainDenoiser model, int n) {
    List<DiffusionSample> out = new ArrayList<>(n);
    int batch = 512;
    for (int from = 0; from < n; from += batch) {
      int rows = Math.min(batch, n - from);
      List<SequenceKey> keys = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        keys.add(new SequenceKey(from + r, 0));
      }
      out.addAll(sampler.sample(model, keys, MaskedDenoiser.allMasked(model, rows, model.chain().length())));
    }
    return out;
  }

  /** Total variation between the sampled and the exact law of (x_i, x_j). */
  static double pairTv(MarkovChain chain, List<DiffusionSample> samples, int i, int j) {
    int s = chain.states();
    double[][] exact = chain.pairMarginal(i, j);
    long[] counts = SamplerLaws.pairCounts(s, samples, i, j);
    double tv = 0;
    for (int a = 0; a < s; a++) {
      for (int b = 0; b < s; b++) {
        tv += Math.abs((double) counts[a * s + b] / samples.size() - exact[a][b]);
      }
    }
    return tv / 2;
  }

  /** Mean over position pairs (i, i + gap) of the total variation between sampled and exact pair marginals. */
  static double meanPairTv(MarkovChain chain, List<DiffusionSample> samples, int gap) {
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i + gap < chain.length(); i++) {
      sum += pairTv(chain, samples, i, i + gap);
      pairs++;
    }
    return sum / pairs;
  }

  /** Pearson's chi-square of the sampled (x_i, x_j) counts against the exact pair law (cells with expected count below 5 pooled). */
  static ChiSquare pairChiSquare(MarkovChain chain, List<DiffusionSample> samples, int i, int j) {
    int s = chain.states();
    double[][] exact = chain.pairMarginal(i, j);
    double[] law = new double[s * s];
    for (int a = 0; a < s; a++) {
      for (int b = 0; b < s; b++) {
        law[a * s + b] = exact[a][b];
      }
    }
    return ChiSquare.of(SamplerLaws.pairCounts(s, samples, i, j), law);
  }

  /** The expected total variation between the empirical law of n exact draws of (x_i, x_j) and the exact law. */
  static double expectedExactTv(MarkovChain chain, int i, int j, int n) {
    double sum = 0;
    for (double[] row : chain.pairMarginal(i, j)) {
      for (double p : row) {
        sum += meanAbsoluteDeviation(n, p) / n;
      }
    }
    return sum / 2;
  }

  /** E|X - np| for X ~ Binomial(n, p) (de Moivre), in log space. */
  static double meanAbsoluteDeviation(int n, double p) {
    if (p <= 0 || p >= 1) {
      return 0;
    }
    long v = (long) Math.floor(n * p) + 1;
    if (v > n) {
      return 0;
    }
    double logChoose = Gamma.logGamma(n + 1.0) - Gamma.logGamma(v + 1.0) - Gamma.logGamma(n - v + 1.0);
    return 2 * v * Math.exp(logChoose + v * Math.log(p) + (n - v + 1) * Math.log1p(-p));
  }
}
