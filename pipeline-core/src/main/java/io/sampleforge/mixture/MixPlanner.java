package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns source row counts and a {@link MixSpec} into exact per-source counts ({@link MixPlan}):
 * raw weights ({@link MixWeights}); the total (the target, or without one the largest T with T w_i /
 * sum(w) &lt;= min(n_i, cap_i) for every weighted source); saturation of capped sources, and under
 * {@code renormalise} of exhausted ones, at their limit, iterated with the remaining total shared among
 * the rest by the same weights until no free source's exact quota is over its limit; then largest-
 * remainder apportionment ({@link Apportionment}) of the remainder among the free sources. Under
 * {@code stop} a source whose count exceeds its rows fails the plan naming it. All comparisons are exact
 * (BigDecimal). Cost: O(k^2) for k sources in the worst case of the saturation loop.
 */
public final class MixPlanner {
  private MixPlanner() {}

  /** The plan for sources with {@code available} rows each; {@code scores} only for strategy scores. */
  public static MixPlan plan(MixSpec spec, Map<String, Long> available, Map<String, Double> scores) {
    TreeMap<String, Long> sorted = new TreeMap<>(available);
    for (String key : List.of("weights", "caps")) {
      for (String s : (key.equals("weights") ? spec.weights() : spec.caps()).keySet()) {
        if (!sorted.containsKey(s)) {
          throw ConfigException.of(key, "names source '" + s + "', which is not in the input (sources: "
              + sorted.keySet() + ")", s);
        }
      }
    }
    int k = sorted.size();
    String[] names = sorted.keySet().toArray(new String[0]);
    long[] n = new long[k];
    for (int i = 0; i < k; i++) {
      n[i] = sorted.get(names[i]);
    }
    double[] w = MixWeights.of(spec, names, n, scores);
    BigDecimal[] bw = new BigDecimal[k];
    BigDecimal sum = BigDecimal.ZERO;
    long[] limit = new long[k];
    for (int i = 0; i < k; i++) {
      bw[i] = new BigDecimal(w[i]);
      sum = sum.add(bw[i]);
      long cap = spec.caps().getOrDefault(names[i], Long.MAX_VALUE);
      limit[i] = spec.exhausted() == ExhaustionPolicy.RENORMALISE ? Math.min(cap, n[i]) : cap;
    }
    long[] rows = new long[k];
    for (int i = 0; i < k; i++) {
      rows[i] = Math.min(n[i], spec.caps().getOrDefault(names[i], Long.MAX_VALUE));
    }
    long total = spec.target() != null ? spec.target() : firstExhausted(bw, sum, rows);
    long[] count = new long[k];
    boolean[] fixed = new boolean[k];
    for (int i = 0; i < k; i++) {
      fixed[i] = w[i] == 0;
    }
    long remaining = total;
    while (true) {
      BigDecimal free = BigDecimal.ZERO;
      for (int i = 0; i < k; i++) {
        free = fixed[i] ? free : free.add(bw[i]);
      }
      if (free.signum() == 0) {
        if (remaining > 0) {
          throw ConfigException.of("target", "asks for more rows than the sources can give under their caps"
              + (spec.exhausted() == ExhaustionPolicy.RENORMALISE ? " and sizes" : "") + " (" + (total - remaining)
              + " at most)", total);
        }
        break;
      }
      boolean changed = false;
      BigDecimal r = BigDecimal.valueOf(remaining);
      for (int i = 0; i < k; i++) {
        if (!fixed[i] && r.multiply(bw[i]).compareTo(BigDecimal.valueOf(limit[i]).multiply(free)) > 0) {
          fixed[i] = true;
          count[i] = limit[i];
          changed = true;
        }
      }
      if (!changed) {
        double[] fw = new double[k];
        for (int i = 0; i < k; i++) {
          fw[i] = fixed[i] ? 0 : w[i];
        }
        long[] seats = Apportionment.hamilton(fw, names, remaining);
        for (int i = 0; i < k; i++) {
          if (!fixed[i]) {
            count[i] = seats[i];
          }
        }
        break;
      }
      remaining = total;
      for (int i = 0; i < k; i++) {
        remaining -= fixed[i] ? count[i] : 0;
      }
    }
    List<MixPlan.Source> lines = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      if (count[i] > n[i] && spec.exhausted() == ExhaustionPolicy.STOP) {
        throw ConfigException.of("target", "gives source '" + names[i] + "' " + count[i] + " rows but it has " + n[i]
            + " (exhausted: stop; renormalise or with-replacement would go on)", total);
      }
      double weight = bw[i].divide(sum, java.math.MathContext.DECIMAL64).doubleValue();
      lines.add(new MixPlan.Source(names[i], n[i], weight, total * weight, count[i], count[i] > n[i]));
    }
    return new MixPlan(total, spec.exhausted(), lines);
  }

  /** min over weighted sources of floor(min(n_i, cap_i) * sum / w_i): no source is asked for more than it has. */
  private static long firstExhausted(BigDecimal[] w, BigDecimal sum, long[] n) {
    BigDecimal best = null;
    for (int i = 0; i < w.length; i++) {
      if (w[i].signum() > 0) {
        BigDecimal t = BigDecimal.valueOf(n[i]).multiply(sum).divide(w[i], 0, RoundingMode.FLOOR);
        best = best == null || t.compareTo(best) < 0 ? t : best;
      }
    }
    return best == null ? 0 : best.longValueExact();
  }
}
