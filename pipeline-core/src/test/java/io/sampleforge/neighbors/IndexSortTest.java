package io.sampleforge.neighbors;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.sampleforge.random.KeyedStream;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/**
 * The primitive index sort gives exactly the permutation of a boxed comparator sort by (key,
 * index): on sizes around the run and merge boundaries, with many ties, negative zero, NaN and
 * infinities.
 */
class IndexSortTest {

  private static int[] boxed(int n, Comparator<Integer> byKey) {
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, byKey.thenComparingInt(i -> i));
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void sameOrderAsABoxedSortByKeyThenIndex() {
    KeyedStream s = TestStreams.of(3, "index-sort-test", 0);
    long counter = 0;
    for (int n : new int[] {0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 4097}) {
      for (int distinct : new int[] {3, 50, 1_000_000}) {
        double[] d = new double[n];
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          int v = s.nextIndex(counter++, distinct);
          d[i] = v == 0 ? -0.0 : v == 1 ? Double.NaN : v == 2 ? Double.NEGATIVE_INFINITY : v - distinct / 2.0;
          l[i] = v - distinct / 2;
        }
        assertArrayEquals(boxed(n, Comparator.comparingDouble(i -> d[i])), IndexSort.byDouble(d), "doubles n=" + n);
        assertArrayEquals(boxed(n, Comparator.comparingLong(i -> l[i])), IndexSort.byLong(l), "longs n=" + n);
      }
    }
  }
}
