package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.Map;

/**
 * The raw (unnormalised) weight of each source under a {@link MixSpec}: n_i (proportional), 1
 * (uniform), the given weight (weights; a source without one gets 0), n_i^{1/T} (temperature, computed
 * as a power so that T = 1 gives n_i exactly, and in log space relative to the largest source when the
 * power would overflow), or the scores table mapped by {@link ScoreTransform} (softmax(psi / tau) with
 * the largest score subtracted first). Cost: O(k) for k sources.
 */
public final class MixWeights {
  private MixWeights() {}

  /** Raw weights of {@code names} (their row counts {@code available}); {@code scores} only for SCORES. */
  public static double[] of(MixSpec spec, String[] names, long[] available, Map<String, Double> scores) {
    int k = names.length;
    double[] w = new double[k];
    switch (spec.strategy()) {
      case PROPORTIONAL -> {
        for (int i = 0; i < k; i++) {
          w[i] = available[i];
        }
      }
      case UNIFORM -> java.util.Arrays.fill(w, 1.0);
      case WEIGHTS -> {
        for (int i = 0; i < k; i++) {
          w[i] = spec.weights().getOrDefault(names[i], 0.0);
        }
      }
      case TEMPERATURE -> temperature(spec.temperature(), available, w);
      case SCORES -> scores(spec, names, scores, w);
    }
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    if (!(sum > 0)) {
      throw ConfigException.of(spec.strategy() == MixStrategy.SCORES ? "scores" : "weights",
          "must give at least one source of the input a positive weight (sources: " + java.util.List.of(names) + ")",
          spec.strategy() == MixStrategy.SCORES ? scores : spec.weights());
    }
    return w;
  }

  private static void temperature(double t, long[] n, double[] w) {
    long max = 1;
    for (long x : n) {
      max = Math.max(max, x);
    }
    boolean overflow = Math.log(max) / t > 700;
    for (int i = 0; i < n.length; i++) {
      w[i] = n[i] == 0 ? 0 : overflow ? Math.exp((Math.log(n[i]) - Math.log(max)) / t) : Math.pow(n[i], 1.0 / t);
    }
  }

  private static void scores(MixSpec spec, String[] names, Map<String, Double> scores, double[] w) {
    if (scores == null) {
      throw new IllegalArgumentException("strategy scores needs the scores table's values");
    }
    java.util.Set<String> known = java.util.Set.of(names);
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new InputDataException("the scores table names source '" + e.getKey() + "', which is not in the input "
            + "(sources: " + java.util.List.of(names) + ")");
      }
      Double v = e.getValue();
      boolean bad = v == null || !Double.isFinite(v) || spec.scoreTransform() == ScoreTransform.WEIGHTS && v < 0;
      if (bad) {
        throw new InputDataException("the scores table's score of source '" + e.getKey() + "' must be a finite number"
            + (spec.scoreTransform() == ScoreTransform.WEIGHTS ? " >= 0 (scores.transform weights)" : "") + "; got " + v);
      }
    }
    if (spec.scoreTransform() == ScoreTransform.WEIGHTS) {
      for (int i = 0; i < names.length; i++) {
        w[i] = scores.getOrDefault(names[i], 0.0);
      }
      return;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (String s : names) {
      if (scores.containsKey(s)) {
        max = Math.max(max, scores.get(s) / spec.scoreTemperature());
      }
    }
    for (int i = 0; i < names.length; i++) {
      Double psi = scores.get(names[i]);
      w[i] = psi == null ? 0 : Math.exp(psi / spec.scoreTemperature() - max);
    }
  }
}
