package io.sampleforge.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed rules against their definitions, at the boundaries (hand-derived cases). */
class SeedRulesTest {
  private static final OverSamplingMethod BORDERLINE_1 = OverSamplingMethod.parse("borderline-1", 4, null);
  private static final OverSamplingMethod ADASYN = OverSamplingMethod.parse("adasyn", 10, null);

  /** m = 4: danger when 2 <= other-class neighbours < 4; 0, 1 (safe) and 4 (noise) are not seeds. */
  @Test
  void borderlineDangerIsHalfOrMoreButNotAllOfTheMNeighbours() {
    assertEquals(0, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("a", "a", "a", "a")));
    assertEquals(0, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("b", "a", "a", "a")));
    assertEquals(1, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("b", "a", "b", "a")));
    assertEquals(1, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("b", "c", "b", "a")));
    assertEquals(0, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("b", "b", "b", "b")));
    // only the first m neighbours count
    assertEquals(0, SeedRules.weight(BORDERLINE_1, 5, "a", List.of("a", "a", "a", "b", "b", "b")));
    assertEquals(0, SeedRules.weight(BORDERLINE_1, 5, "a", null), "a row without neighbours is not in danger");
  }

  /** ADASYN: the weight is the count of other-class rows among the first k neighbours. */
  @Test
  void adasynWeighsByOtherClassNeighboursAmongK() {
    assertEquals(0, SeedRules.weight(ADASYN, 3, "a", List.of("a", "a", "a", "b")));
    assertEquals(2, SeedRules.weight(ADASYN, 3, "a", List.of("b", "a", "c", "b")));
    assertEquals(3, SeedRules.weight(ADASYN, 3, "a", List.of("b", "b", "b")));
  }

  @Test
  void otherMethodsWeighEveryRowOneAndNeedKNeighbours() {
    OverSamplingMethod smote = OverSamplingMethod.parse("smote", 10, null);
    assertEquals(1, SeedRules.weight(smote, 5, "a", null));
    assertEquals(5, SeedRules.crossNeighbors(smote, 5));
    assertEquals(4, SeedRules.crossNeighbors(BORDERLINE_1, 5));
    assertEquals(7, SeedRules.crossNeighbors(OverSamplingMethod.parse("borderline-2", 4, null), 7));
  }
}
