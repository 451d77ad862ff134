package io.sampleforge.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Largest-remainder allocation and the method parser. */
class WeightedQuotaTest {

  @Test
  void uniformWeightsGiveFloorPlusRemainder() {
    WeightedQuota q = WeightedQuota.allocate(23, Map.of(1L, 10L));
    assertEquals(2, q.group(1).baseChildren());
    assertEquals(3, q.group(1).extraRows());
    assertEquals(3, q.childrenOf(1, 2));
    assertEquals(2, q.childrenOf(1, 3));
  }

  @Test
  void weightedSharesAddUpExactlyAndLargestRemaindersWin() {
    // weights 0,1,2,3 with 5,4,3,2 rows: W = 0 + 4 + 6 + 6 = 16; G = 10
    // shares: w1 = 10/16 = 0.625, w2 = 1.25, w3 = 1.875; floors 0,1,1 -> assigned 0 + 3 + 2 = 5; 5 left
    // fractions: w1 .625 (4 rows), w3 .875 (2 rows), w2 .25 (3 rows) -> w3 gets 2, w1 gets 3
    WeightedQuota q = WeightedQuota.allocate(10, Map.of(0L, 5L, 1L, 4L, 2L, 3L, 3L, 2L));
    assertEquals(0, q.group(0).baseChildren() + q.group(0).extraRows());
    assertEquals(0, q.group(1).baseChildren());
    assertEquals(3, q.group(1).extraRows());
    assertEquals(1, q.group(2).baseChildren());
    assertEquals(0, q.group(2).extraRows());
    assertEquals(1, q.group(3).baseChildren());
    assertEquals(2, q.group(3).extraRows());
    long total = 0;
    for (WeightedQuota.Group g : q.groups().values()) {
      total += g.rows() * g.baseChildren() + g.extraRows();
    }
    assertEquals(10, total);
  }

  @Test
  void exhaustiveSmallCasesAlwaysHitTheTarget() {
    for (long g = 0; g <= 40; g++) {
      for (long a = 0; a <= 4; a++) {
        for (long b = 1; b <= 4; b++) {
          WeightedQuota q = WeightedQuota.allocate(g, Map.of(1L, a, 3L, b, 7L, 2L));
          long total = 0;
          for (WeightedQuota.Group gr : q.groups().values()) {
            assertTrue(gr.extraRows() <= gr.rows());
            total += gr.rows() * gr.baseChildren() + gr.extraRows();
          }
          assertEquals(g, total, "G=" + g + " a=" + a + " b=" + b);
        }
      }
    }
  }

  @Test
  void allZeroWeightsCannotSeed() {
    assertThrows(IllegalArgumentException.class, () -> WeightedQuota.allocate(5, Map.of(0L, 10L)));
  }

  @Test
  void methodParserNamesTheParameterAndValue() {
    assertEquals("borderline-2", OverSamplingMethod.parse("Borderline-2", 10, null).id());
    assertTrue(OverSamplingMethod.parse("random", 10, 0.5) instanceof OverSamplingMethod.RandomOver r && r.shrinkage() == 0.5);
    ConfigException unknown = assertThrows(ConfigException.class, () -> OverSamplingMethod.parse("kmeans", 10, null));
    assertTrue(unknown.getMessage().contains("method") && unknown.getMessage().contains("kmeans"), unknown.getMessage());
    ConfigException shrink = assertThrows(ConfigException.class, () -> OverSamplingMethod.parse("smote", 10, 1.0));
    assertTrue(shrink.getMessage().contains("shrinkage"), shrink.getMessage());
    assertThrows(ConfigException.class, () -> OverSamplingMethod.parse("random", 10, -1.0));
    ConfigException m = assertThrows(ConfigException.class, () -> OverSamplingMethod.parse("borderline-1", 0, null));
    assertTrue(m.getMessage().contains("m_neighbors"), m.getMessage());
    assertTrue(new OverSamplingMethod.Borderline(1, 10).inDanger(5));
    assertTrue(new OverSamplingMethod.Borderline(1, 10).inDanger(9));
    assertTrue(!new OverSamplingMethod.Borderline(1, 10).inDanger(10));
    assertTrue(!new OverSamplingMethod.Borderline(1, 10).inDanger(4));
    assertTrue(new OverSamplingMethod.Borderline(1, 5).inDanger(3) && !new OverSamplingMethod.Borderline(1, 5).inDanger(2));
  }
}
