package io.sampleforge.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strategy semantics of imbalanced-learn, hand-derived on small count tables, and the planner's quota. */
class SamplingStrategyTest {
  private static final Map<String, Long> THREE = Map.of("a", 100L, "b", 30L, "c", 5L);

  @Test
  void namedStrategies() {
    assertEquals(Map.of("a", 100L, "b", 100L, "c", 100L), SamplingStrategy.parse("auto").targets(THREE));
    assertEquals(Map.of("a", 100L, "b", 100L, "c", 100L), SamplingStrategy.parse("not majority").targets(THREE));
    assertEquals(Map.of("a", 100L, "b", 30L, "c", 100L), SamplingStrategy.parse("minority").targets(THREE));
    assertEquals(Map.of("a", 100L, "b", 100L, "c", 5L), SamplingStrategy.parse("not minority").targets(THREE));
    assertEquals(Map.of("a", 100L, "b", 100L, "c", 100L), SamplingStrategy.parse("ALL").targets(THREE));
  }

  @Test
  void ratioIsBinaryOnlyAndMustAddRows() {
    Map<String, Long> two = Map.of("neg", 500L, "pos", 268L);
    assertEquals(Map.of("neg", 500L, "pos", 300L), SamplingStrategy.parse("0.6").targets(two));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("0.2").targets(two));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("0.5").targets(THREE));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("1.5"));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("0"));
  }

  @Test
  void mapTargets() {
    assertEquals(Map.of("a", 100L, "b", 30L, "c", 40L), SamplingStrategy.parse("c:40").targets(THREE));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("z:40").targets(THREE));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("b:10").targets(THREE));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("b:ten"));
    assertThrows(ConfigException.class, () -> SamplingStrategy.parse("balanced"));
  }

  @Test
  void singleClassIsBadInput() {
    assertThrows(InputDataException.class, () -> SamplingStrategy.parse("auto").targets(Map.of("a", 3L)));
  }

  @Test
  void plannerQuotaAndSmallClassRules() {
    List<ClassPlan> plans = SmotePlanner.plan(Map.of("a", 100L, "b", 30L, "c", 1L, "d", 4L), SamplingStrategy.parse("auto"), 5);
    ClassPlan b = plans.get(1);
    assertEquals(70, b.synthetic());
    assertEquals(2, b.baseChildren());
    assertEquals(10, b.remainder());
    assertEquals(b.synthetic(), b.baseChildren() * b.before() + b.remainder());
    ClassPlan c = plans.get(2);
    assertEquals(0, c.neighbors());
    assertTrue(c.warnings().get(0).contains("copies"));
    ClassPlan d = plans.get(3);
    assertEquals(3, d.neighbors());
    assertEquals(0, plans.get(0).synthetic());
  }
}
