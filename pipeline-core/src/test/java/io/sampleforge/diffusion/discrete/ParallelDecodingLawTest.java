package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.discrete.CommitRule.Factor;
import io.sampleforge.diffusion.discrete.CommitRule.Profile;
import io.sampleforge.diffusion.discrete.CommitRule.Threshold;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exactness facts of issue 21 for {@link ParallelDecodingSampler} on the Markov oracle: the
 * 5-state chain of length 12 with 0.98 self-transitions ({@link ParallelDecodingTest#stickyChain}),
 * one block of 12, temperature 1, threshold tau = 1 (one token per step, asserted on every row),
 * N = 20,000 sequences per confidence kind (fixed seeds; about 1.3 s of sampling).
 *
 * <p>Statistic: Pearson's chi-square of the pair law of (x_0, x_11) (25 cells, 24 dof; the exact
 * law is pi P^11 from {@link MarkovChain#pairMarginal}), and of every adjacent pair (x_i, x_i+1).
 * Fit: p > 1e-3; rejection: p < 1e-6. Power: the same statistic at the same N rejects DRAWN with
 * chi-square ~ 3,800 on (x_0, x_11), a noncentrality about 50 times what the test needs to reject
 * with probability 0.99 (about 75 at 24 dof); the first 2,000 DRAWN samples alone are rejected.
 */
class ParallelDecodingLawTest {
  static final int LENGTH = 12;
  static final int STATES = 5;
  static final int N = 20_000;

  static List<DiffusionSample> sample(ConfidenceKind kind, CommitRule rule, int n, long seed) {
    MarkovChainDenoiser model = ParallelDecodingTest.stickyChain(LENGTH);
    ParallelDecodingSampler sampler = new ParallelDecodingSampler(
        new ParallelDecodingSettings(LENGTH, LENGTH, 1, kind, rule), seed);
    return SamplerLaws.sample(sampler, model, n, 500);
  }

  static double[] pairLaw(MarkovChain chain, int i, int j) {
    double[][] m = chain.pairMarginal(i, j);
    double[] law = new double[STATES * STATES];
    for (int a = 0; a < STATES; a++) {
      for (int b = 0; b < STATES; b++) {
        law[a * STATES + b] = m[a][b];
      }
    }
    return law;
  }

  static ChiSquare pairFit(List<DiffusionSample> samples, int i, int j) {
    MarkovChain chain = ParallelDecodingTest.stickyChain(LENGTH).chain();
    return ChiSquare.of(SamplerLaws.pairCounts(STATES, samples, i, j), pairLaw(chain, i, j));
  }

  static List<DiffusionSample> onePerStep(ConfidenceKind kind) {
    List<DiffusionSample> samples = sample(kind, new Threshold(1.0), N, 123);
    for (DiffusionSample s : samples) {
      assertEquals(LENGTH, s.modelCalls(), "one token per model call");
      assertEquals(LENGTH, s.commitsPerStep().length);
      assertTrue(Arrays.stream(s.commitsPerStep()).allMatch(k -> k == 1));
    }
    return samples;
  }

  static String adjacent(List<DiffusionSample> samples) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i + 1 < LENGTH; i++) {
      sb.append(String.format(java.util.Locale.ROOT, " %.1f", pairFit(samples, i, i + 1).statistic()));
    }
    return sb.toString();
  }

  @Test
  void maxProbabilityAtOneTokenPerStepIsExact() {
    List<DiffusionSample> samples = onePerStep(ConfidenceKind.MAX_PROBABILITY);
    ChiSquare ends = pairFit(samples, 0, LENGTH - 1);
    System.out.println("max_probability, one per step: (x_0, x_11) " + ends + "; adjacent pairs chi-square" + adjacent(samples));
    assertTrue(ends.pValue() > 1e-3, "(x_0, x_11): " + ends);
    for (int i = 0; i + 1 < LENGTH; i++) {
      ChiSquare pair = pairFit(samples, i, i + 1);
      assertTrue(pair.pValue() > 1e-3, "(x_" + i + ", x_" + (i + 1) + "): " + pair);
    }
  }

  @Test
  void drawnAtOneTokenPerStepIsBiased() {
    List<DiffusionSample> samples = onePerStep(ConfidenceKind.DRAWN);
    ChiSquare ends = pairFit(samples, 0, LENGTH - 1);
    ChiSquare first = pairFit(samples, 0, 1);
    System.out.println("drawn, one per step: (x_0, x_11) " + ends + "; adjacent pairs chi-square" + adjacent(samples));
    assertTrue(ends.pValue() < 1e-6, "(x_0, x_11) must reject the drawn-token confidence: " + ends);
    assertTrue(first.pValue() < 1e-6, "(x_0, x_1): " + first);
    ChiSquare small = pairFit(samples.subList(0, 2_000), 0, LENGTH - 1);
    assertTrue(small.pValue() < 1e-6, "power: 2,000 samples already reject it: " + small);
  }

  /**
   * Lower tau commits more tokens per step: the mean NFE over 300 sequences does not increase as
   * tau falls through 1, 0.99, 0.95, 0.9, 0.7, 0.5 and falls strictly through 1, 0.95, 0.9, 0.7, for
   * both kinds; tau = 1 takes 12 calls on every row; every row's commits sum to 12, one entry per
   * call; the factor and profile rules take fewer than 12 calls on average.
   */
  @Test
  void lowerThresholdsCommitMoreTokensPerStep() {
    double[] taus = {1.0, 0.99, 0.95, 0.9, 0.7, 0.5};
    for (ConfidenceKind kind : ConfidenceKind.values()) {
      double[] nfe = new double[taus.length];
      for (int t = 0; t < taus.length; t++) {
        List<DiffusionSample> samples = sample(kind, new Threshold(taus[t]), 300, 5);
        nfe[t] = meanCalls(samples);
      }
      System.out.println(kind.id() + ": mean NFE at tau " + Arrays.toString(taus) + " = " + Arrays.toString(nfe));
      assertEquals(12.0, nfe[0], 0.0);
      for (int t = 1; t < taus.length; t++) {
        assertTrue(nfe[t] <= nfe[t - 1], kind + " tau " + taus[t] + ": " + Arrays.toString(nfe));
      }
      assertTrue(nfe[0] > nfe[2] && nfe[2] > nfe[3] && nfe[3] > nfe[4], kind + ": " + Arrays.toString(nfe));
      for (CommitRule rule : List.of(new Factor(1), new Profile(0.25))) {
        double calls = meanCalls(sample(kind, rule, 300, 5));
        System.out.println(kind.id() + " " + rule + ": mean NFE " + calls);
        assertTrue(calls < 12, kind + " " + rule + ": " + calls);
      }
    }
  }

  /**
   * The exactness frontier is monotone: with the value-independent confidence, the mean adjacent-pair
   * total variation to the exact law does not decrease as tau falls through 1, 0.9, 0.7, 0.5 (4,000
   * sequences each; a decrease is allowed up to twice the noise floor, the expected TV of 4,000 exact
   * draws, about 0.016), and it does grow: tau = 0.5 is more than four floors above tau = 1, which is
   * at the floor (the power of the check; benchmark: bench/diffusion/frontier.sh).
   */
  @Test
  void theDistanceDoesNotDecreaseAsTheThresholdFalls() {
    int n = 4_000;
    MarkovChain chain = ParallelDecodingTest.stickyChain(LENGTH).chain();
    double floor = 0;
    for (int i = 0; i + 1 < LENGTH; i++) {
      for (double p : pairLaw(chain, i, i + 1)) {
        floor += 0.5 * Math.sqrt(2 * p * (1 - p) / (Math.PI * n));
      }
    }
    floor /= LENGTH - 1;
    double[] taus = {1.0, 0.9, 0.7, 0.5};
    double[] tv = new double[taus.length];
    for (int t = 0; t < taus.length; t++) {
      List<DiffusionSample> samples = sample(ConfidenceKind.MAX_PROBABILITY, new Threshold(taus[t]), n, 77);
      for (int i = 0; i + 1 < LENGTH; i++) {
        long[] counts = SamplerLaws.pairCounts(STATES, samples, i, i + 1);
        double[] law = pairLaw(chain, i, i + 1);
        for (int c = 0; c < law.length; c++) {
          tv[t] += 0.5 * Math.abs((double) counts[c] / n - law[c]) / (LENGTH - 1);
        }
      }
    }
    System.out.println("max_probability: adjacent-pair TV at tau " + Arrays.toString(taus) + " = " + Arrays.toString(tv)
        + ", noise floor " + floor);
    for (int t = 1; t < taus.length; t++) {
      assertTrue(tv[t] >= tv[t - 1] - 2 * floor, "tau " + taus[t] + ": " + Arrays.toString(tv));
    }
    assertTrue(tv[0] < 2 * floor, "tau = 1 is exact: " + tv[0] + " against floor " + floor);
    assertTrue(tv[3] > tv[0] + 4 * floor, "tau = 0.5 is detectably worse: " + Arrays.toString(tv));
  }

  static double meanCalls(List<DiffusionSample> samples) {
    CommitHistogram histogram = new CommitHistogram();
    long calls = 0;
    for (DiffusionSample s : samples) {
      assertEquals(s.modelCalls(), s.commitsPerStep().length);
      assertEquals(LENGTH, Arrays.stream(s.commitsPerStep()).sum());
      histogram.add(s);
      calls += s.modelCalls();
    }
    assertEquals(calls, histogram.steps());
    assertEquals((long) LENGTH * samples.size(), histogram.tokens());
    return (double) calls / samples.size();
  }
}
