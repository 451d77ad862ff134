package io.sampleforge.tabular;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sampleforge.random.KeyedStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cut gives every row exactly the children of its rank in (priority, key) order under
 * {@link WeightedQuota}'s one-group rule (an explicit sort of the class is the oracle), so the
 * class total is the requested number of children.
 */
class QuotaCutTest {

  @Test
  void eachRowGetsTheChildrenOfItsRankAndTheTotalIsExact() {
    KeyedStream s = TestStreams.of(1, "quota-cut-test", 0);
    for (int n : new int[] {1, 2, 7, 1000}) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = s.bits(i + 100L * n);
      }
      for (long children : new long[] {0, 1, n - 1L, n, 3L * n + n / 3, 17L * n + n - 1}) {
        WeightedQuota.Group g = WeightedQuota.allocate(children, Map.of(1L, (long) n)).group(1L);
        for (long seed : new long[] {4, 5}) {
          QuotaCut cut = QuotaCut.of(keys, g.baseChildren(), g.extraRows(), seed);
          Integer[] order = new Integer[n];
          for (int i = 0; i < n; i++) {
            order[i] = i;
          }
          Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> SmoteDraws.quotaPriority(seed, keys[i]))
              .thenComparingLong(i -> keys[i]));
          long total = 0;
          for (int rank = 0; rank < n; rank++) {
            long expected = g.baseChildren() + (rank < g.extraRows() ? 1 : 0);
            assertEquals(expected, cut.children(keys[order[rank]]), "n=" + n + " children=" + children + " rank " + rank);
            total += cut.children(keys[order[rank]]);
          }
          assertEquals(children, total, "class total");
        }
      }
    }
  }

  @Test
  void rejectsAnExtraThatIsNotBelowTheClassSize() {
    assertThrows(IllegalArgumentException.class, () -> QuotaCut.of(new long[] {1, 2}, 0, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> QuotaCut.of(new long[] {1, 2}, -1, 0, 1));
  }
}
