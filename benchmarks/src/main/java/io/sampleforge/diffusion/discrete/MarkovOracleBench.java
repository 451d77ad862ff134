package io.sampleforge.diffusion.discrete;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality against model calls on the exact Markov-chain oracle (samplers.md section 6): every masked
 * diffusion sampler draws N sequences from the built-in {@link MarkovChainDenoiser} (whose masked
 * conditionals are exact), and the table reports the mean model calls (NFE) per sequence, the total
 * variation between the sampled and the exact adjacent-pair marginals (mean over the L-1 adjacent
 * pairs), the same for pairs two apart, and the sampling-noise floor (the mean TV an exact sampler
 * shows at this N, measured with the first-hitting sampler). Prints a Markdown table.
 *
 * <pre>java -cp ... io.sampleforge.diffusion.discrete.MarkovOracleBench [N] [LENGTH] [SEED]</pre>
 */
public final class MarkovOracleBench {
  private MarkovOracleBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int length = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
    MarkovChain chain = stickyChain(length);
    MarkovChainDenoiser model = new MarkovChainDenoiser(chain);

    Map<String, MaskedDiffusionSampler> samplers = new LinkedHashMap<>();
    samplers.put("first-hitting, 1 token per call (exact)", new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.LOG_LINEAR, 1), seed));
    for (int k : new int[] {2, 4, 8}) {
      samplers.put("first-hitting, " + k + " tokens per call", new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.LOG_LINEAR, k), seed));
    }
    for (int steps : new int[] {4, 8, 16, 64, 256}) {
      samplers.put("MDLM ancestral, " + steps + " steps", new AncestralSampler(new AncestralSettings(steps, MaskSchedule.LOG_LINEAR, 1e-5, false, true), seed));
      samplers.put("MDLM ancestral + cache, " + steps + " steps", new AncestralSampler(new AncestralSettings(steps, MaskSchedule.LOG_LINEAR, 1e-5, true, true), seed));
    }
    for (RemaskingRule rule : new RemaskingRule[] {RemaskingRule.LOW_CONFIDENCE, RemaskingRule.ENTROPY, RemaskingRule.RANDOM}) {
      for (int perStep : new int[] {1, 2, 4, 8}) {
        samplers.put("LLaDA " + rule.id() + ", " + perStep + " per step",
            new LladaSampler(new LladaSettings(length, length, length / perStep, 1.0, 0.0, rule), seed));
      }
    }
    for (int steps : new int[] {16, 64}) {
      samplers.put("Dream origin, " + steps + " steps", new DreamSampler(new DreamSettings(steps, 1e-3, DreamAlgorithm.ORIGIN, 0.0, 1.0), seed));
    }

    System.out.printf(Locale.ROOT, "Markov oracle: %d states, length %d, N = %d sequences per sampler, seed %d%n%n",
        chain.states(), length, n, seed);
    System.out.println("| sampler | NFE per sequence | cache hits per sequence | TV adjacent pairs | TV pairs two apart | ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, MaskedDiffusionSampler> s : samplers.entrySet()) {
      long start = System.nanoTime();
      List<DiffusionSample> samples = OracleDistances.draw(s.getValue(), model, n);
      double ms = (System.nanoTime() - start) / 1e6;
      double calls = samples.stream().mapToInt(DiffusionSample::modelCalls).average().orElse(0);
      double hits = samples.stream().mapToInt(DiffusionSample::cacheHits).average().orElse(0);
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.4f | %.4f | %.0f |%n", s.getKey(), calls, hits,
          OracleDistances.meanPairTv(chain, samples, 1), OracleDistances.meanPairTv(chain, samples, 2), ms);
    }
  }

  /** Five states that mostly stay put (0.8) and otherwise move to the next state or jump uniformly: strong pair dependence. */
  static MarkovChain stickyChain(int length) {
    int s = 5;
    double[][] p = new double[s][s];
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < s; j++) {
        p[i][j] = 0.1 / s;
      }
      p[i][i] += 0.8;
      p[i][(i + 1) % s] += 0.1;
    }
    double[] initial = {0.4, 0.3, 0.15, 0.1, 0.05};
    return new MarkovChain(initial, p, length);
  }
}
