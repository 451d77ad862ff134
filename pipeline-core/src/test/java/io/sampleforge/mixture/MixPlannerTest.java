package io.sampleforge.mixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The mixture planner: each strategy's weights, temperature T = 1 equal to proportional and large T
 * approaching uniform, the first-exhausted total, caps, and each exhaustion policy on cases worked by
 * hand (and renormalise against an independent fixed-point oracle on random cases); bad specs name
 * their key.
 */
class MixPlannerTest {
  private static MixSpec spec(MixStrategy s, Double t, Map<String, Double> w, Long target, Map<String, Long> caps,
      ExhaustionPolicy p) {
    return new MixSpec(s, t, w, null, null, target, caps, p, 42, 0);
  }

  private static List<Long> counts(MixPlan plan) {
    return plan.sources().stream().map(MixPlan.Source::count).toList();
  }

  private static final Map<String, Long> N = new TreeMap<>(Map.of("a", 100L, "b", 900L, "c", 9000L));

  @Test
  void strategiesGiveTheirWeights() {
    MixPlan prop = MixPlanner.plan(spec(MixStrategy.PROPORTIONAL, null, null, 1000L, null, null), N, null);
    assertEquals(List.of(10L, 90L, 900L), counts(prop));
    assertEquals(0.09, prop.sources().get(1).weight(), 1e-15);
    MixPlan uni = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, 90L, null, null), N, null);
    assertEquals(List.of(30L, 30L, 30L), counts(uni));
    MixPlan temp = MixPlanner.plan(spec(MixStrategy.TEMPERATURE, 2.0, null, 131L, null, null),
        Map.of("a", 100L, "b", 900L, "c", 8100L), null);
    assertEquals(List.of(10L, 30L, 91L), counts(temp), "sqrt(n) 10 : 30 : 90, quotas 10.08, 30.23, 90.69");
    MixPlan given = MixPlanner.plan(spec(MixStrategy.WEIGHTS, null, Map.of("a", 1.0, "c", 3.0), 80L, null, null), N,
        null);
    assertEquals(List.of(20L, 0L, 60L), counts(given), "a source without a weight gets none");
    MixSpec scores = new MixSpec(MixStrategy.SCORES, null, null, null, null, 400L, null, null, 42, 0);
    assertEquals(List.of(100L, 300L, 0L), counts(MixPlanner.plan(scores, N, Map.of("a", 0.0, "b", Math.log(3)))),
        "softmax(psi): e^0 : e^ln3 = 1 : 3");
    MixSpec tau = new MixSpec(MixStrategy.SCORES, null, null, ScoreTransform.SOFTMAX, 2.0, 400L, null, null, 42, 0);
    assertEquals(List.of(100L, 300L, 0L), counts(MixPlanner.plan(tau, N, Map.of("a", 0.0, "b", 2 * Math.log(3)))),
        "softmax(psi / tau)");
    MixSpec raw = new MixSpec(MixStrategy.SCORES, null, null, ScoreTransform.WEIGHTS, null, 40L, null, null, 42, 0);
    assertEquals(List.of(10L, 10L, 20L), counts(MixPlanner.plan(raw, N, Map.of("a", 1.0, "b", 1.0, "c", 2.0))));
  }

  @Test
  void temperatureOneIsProportionalAndLargeTemperatureApproachesUniform() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 300; trial++) {
      Map<String, Long> n = new TreeMap<>();
      int k = 2 + rng.nextInt(30);
      for (int i = 0; i < k; i++) {
        n.put("s" + i, 1 + (long) Math.exp(rng.nextDouble() * 18));
      }
      long target = rng.nextLong(0, n.values().stream().mapToLong(Long::longValue).sum() + 1);
      MixPlan t1 = MixPlanner.plan(spec(MixStrategy.TEMPERATURE, 1.0, null, target, null, ExhaustionPolicy.STOP), n,
          null);
      MixPlan prop = MixPlanner.plan(spec(MixStrategy.PROPORTIONAL, null, null, target, null, ExhaustionPolicy.STOP),
          n, null);
      assertEquals(prop, t1, "T = 1 is proportional");
      long small = Math.min(target, 1000);
      MixPlan hot = MixPlanner.plan(spec(MixStrategy.TEMPERATURE, 1e9, null, small, null,
          ExhaustionPolicy.WITH_REPLACEMENT), n, null);
      MixPlan uni = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, small, null,
          ExhaustionPolicy.WITH_REPLACEMENT), n, null);
      for (int i = 0; i < k; i++) {
        assertEquals(1.0 / k, hot.sources().get(i).weight(), 1e-7, "T -> infinity: weights -> 1/k");
        assertTrue(Math.abs(hot.sources().get(i).count() - uni.sources().get(i).count()) <= 1,
            "T -> infinity: counts within one row of uniform");
      }
      MixPlan t2 = MixPlanner.plan(spec(MixStrategy.TEMPERATURE, 2.0, null, small, null,
          ExhaustionPolicy.WITH_REPLACEMENT), n, null);
      double max1 = prop.sources().stream().mapToDouble(MixPlan.Source::weight).max().orElseThrow();
      double max2 = t2.sources().stream().mapToDouble(MixPlan.Source::weight).max().orElseThrow();
      assertTrue(max2 <= max1 + 1e-12 && max2 >= 1.0 / k - 1e-12, "T = 2 lies between proportional and uniform");
    }
    // power: a planner that ignored T would fail the first assertion above
    ExhaustionPolicy rep = ExhaustionPolicy.WITH_REPLACEMENT;
    assertTrue(!counts(MixPlanner.plan(spec(MixStrategy.TEMPERATURE, 3.0, null, 1000L, null, rep), N, null))
        .equals(counts(MixPlanner.plan(spec(MixStrategy.PROPORTIONAL, null, null, 1000L, null, rep), N, null))));
  }

  @Test
  void withoutATargetTheTotalStopsAtTheFirstExhaustedSource() {
    assertEquals(10_000, MixPlanner.plan(spec(MixStrategy.PROPORTIONAL, null, null, null, null, null), N, null).total());
    MixPlan uni = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, null, null, null), N, null);
    assertEquals(List.of(100L, 100L, 100L), counts(uni));
    MixPlan capped = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, null, Map.of("a", 40L), null), N, null);
    assertEquals(List.of(40L, 40L, 40L), counts(capped), "caps count as rows for the first-exhausted total");
  }

  @Test
  void exhaustionPolicies() {
    MixSpec stop = spec(MixStrategy.UNIFORM, null, null, 600L, null, ExhaustionPolicy.STOP);
    ConfigException e = assertThrows(ConfigException.class, () -> MixPlanner.plan(stop, N, null));
    assertTrue(e.getMessage().contains("parameter 'target'") && e.getMessage().contains("source 'a' 200 rows but it "
        + "has 100"), e.getMessage());
    MixPlan re = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, 600L, null, ExhaustionPolicy.RENORMALISE), N,
        null);
    assertEquals(List.of(100L, 250L, 250L), counts(re));
    MixPlan iterated = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, 3000L, null,
        ExhaustionPolicy.RENORMALISE), N, null);
    assertEquals(List.of(100L, 900L, 2000L), counts(iterated), "a saturates, then b, then the rest goes to c");
    MixPlan rep = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, 600L, null, ExhaustionPolicy.WITH_REPLACEMENT),
        N, null);
    assertEquals(List.of(200L, 200L, 200L), counts(rep));
    assertTrue(rep.sources().get(0).repeated() && !rep.sources().get(1).repeated());
    MixPlan caps = MixPlanner.plan(spec(MixStrategy.UNIFORM, null, null, 600L, Map.of("a", 50L, "b", 150L),
        ExhaustionPolicy.STOP), N, null);
    assertEquals(List.of(50L, 150L, 400L), counts(caps), "a cap is never exceeded; its share goes to the others");
    ConfigException over = assertThrows(ConfigException.class, () -> MixPlanner.plan(spec(MixStrategy.UNIFORM, null,
        null, 20_000L, null, ExhaustionPolicy.RENORMALISE), N, null));
    assertTrue(over.getMessage().contains("parameter 'target'") && over.getMessage().contains("10000 at most"),
        over.getMessage());
  }

  /** Renormalise on random cases against an independent oracle: water-filling by bisection on the level. */
  @Test
  void renormaliseIsWaterFilling() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 300; trial++) {
      int k = 2 + rng.nextInt(8);
      Map<String, Long> n = new TreeMap<>();
      Map<String, Double> w = new TreeMap<>();
      long sum = 0;
      for (int i = 0; i < k; i++) {
        long rows = 1 + rng.nextInt(5000);
        n.put("s" + i, rows);
        w.put("s" + i, 0.1 + rng.nextDouble());
        sum += rows;
      }
      long target = rng.nextLong(0, sum + 1);
      MixPlan plan = MixPlanner.plan(spec(MixStrategy.WEIGHTS, null, w, target, null, ExhaustionPolicy.RENORMALISE), n,
          null);
      // oracle: the level L with sum min(n_i, L w_i) = target; a source is saturated when L w_i >= n_i
      double lo = 0;
      double hi = 1e12;
      for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2;
        double s = 0;
        for (String src : n.keySet()) {
          s += Math.min(n.get(src), mid * w.get(src));
        }
        if (s < target) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      assertEquals(target, plan.total());
      assertEquals(target, counts(plan).stream().mapToLong(Long::longValue).sum());
      for (MixPlan.Source s : plan.sources()) {
        double ideal = Math.min(s.available(), hi * w.get(s.source()));
        assertTrue(s.count() <= s.available(), "never more than a source has");
        assertTrue(Math.abs(s.count() - ideal) < 1 + 1e-6 * ideal, s.source() + ": " + s.count() + " vs " + ideal);
      }
    }
  }

  @Test
  void badSpecsNameTheirKey() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("temperature", "0");
    cases.put("weights", "neg");
    cases.put("weights ", "nan");
    cases.put("caps", "-1");
    cases.put("target", "-5");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ConfigException e = assertThrows(ConfigException.class, () -> {
        switch (c.getKey().trim() + c.getValue()) {
          case "temperature0" -> spec(MixStrategy.TEMPERATURE, 0.0, null, 1L, null, null);
          case "weightsneg" -> spec(MixStrategy.WEIGHTS, null, Map.of("a", -1.0), 1L, null, null);
          case "weightsnan" -> spec(MixStrategy.WEIGHTS, null, Map.of("a", Double.NaN), 1L, null, null);
          case "caps-1" -> spec(MixStrategy.UNIFORM, null, null, 1L, Map.of("a", -1L), null);
          default -> spec(MixStrategy.UNIFORM, null, null, -5L, null, null);
        }
      });
      assertTrue(e.getMessage().startsWith("parameter '" + c.getKey().trim() + "'"), e.getMessage());
    }
    ConfigException unknown = assertThrows(ConfigException.class, () -> MixPlanner.plan(spec(MixStrategy.WEIGHTS, null,
        Map.of("zz", 1.0), 10L, null, null), N, null));
    assertTrue(unknown.getMessage().contains("parameter 'weights'") && unknown.getMessage().contains("'zz'"));
    ConfigException zero = assertThrows(ConfigException.class, () -> MixPlanner.plan(spec(MixStrategy.WEIGHTS, null,
        Map.of("a", 0.0), 10L, null, null), N, null));
    assertTrue(zero.getMessage().startsWith("parameter 'weights'"), zero.getMessage());
    InputDataException score = assertThrows(InputDataException.class, () -> MixPlanner.plan(new MixSpec(
        MixStrategy.SCORES, null, null, null, null, 10L, null, null, 42, 0), N, Map.of("a", Double.NaN)));
    assertTrue(score.getMessage().contains("source 'a'"), score.getMessage());
  }
}
