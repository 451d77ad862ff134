package io.sampleforge.mixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Keyed bottom-k selection within a source: exactly c rows; every c-subset equally likely (chi-square
 * over seeds, with a power check against a sampler biased towards one row); independent of row order;
 * repeats as floor/ceil copies.
 */
class KeyedSelectionTest {
  private static final long[] IDS = {11, 22, 33, 44, 55, 66, 77, 88, 99, 1010};

  /** Wilson-Hilferty upper quantile of chi-square with df degrees of freedom at normal quantile z. */
  private static double chiSquareQuantile(int df, double z) {
    double a = 2.0 / (9 * df);
    return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
  }

  private static double chiSquareOverSubsets(int seeds, boolean biased) {
    int n = IDS.length;
    int[] freq = new int[1 << n];
    for (long seed = 0; seed < seeds; seed++) {
      int mask = 0;
      if (biased) {
        // a biased sampler: row 0's priority is scaled by 0.8 (it is picked a little more often)
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
          p[i] = KeyedSelection.priority(seed, 0, "src", IDS[i]);
        }
        p[0] = (long) (p[0] * 0.8);
        Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Arrays.sort(order, (a, b) -> Long.compare(p[a], p[b]));
        for (int r = 0; r < 3; r++) {
          mask |= 1 << order[r];
        }
      } else {
        int[] c = KeyedSelection.copies(seed, 0, "src", IDS, 3);
        assertEquals(3, Arrays.stream(c).sum());
        for (int i = 0; i < n; i++) {
          assertTrue(c[i] == 0 || c[i] == 1);
          mask |= c[i] << i;
        }
      }
      freq[mask]++;
    }
    double expected = seeds / 120.0; // C(10, 3) subsets
    double chi = 0;
    for (int mask = 0; mask < freq.length; mask++) {
      if (Integer.bitCount(mask) == 3) {
        chi += (freq[mask] - expected) * (freq[mask] - expected) / expected;
      } else {
        assertEquals(0, freq[mask]);
      }
    }
    return chi;
  }

  @Test
  void everySubsetIsEquallyLikely() {
    int seeds = 36_000;
    double critical = chiSquareQuantile(119, 3.72); // p = 1e-4
    double chi = chiSquareOverSubsets(seeds, false);
    assertTrue(chi < critical, "chi-square " + chi + " over 120 subsets, critical " + critical);
    double biased = chiSquareOverSubsets(seeds, true);
    assertTrue(biased > critical, "power: a sampler favouring one row is rejected (chi-square " + biased + ")");
  }

  @Test
  void independentOfRowOrderAndRoundChangesTheDraw() {
    long[] reversed = new long[IDS.length];
    for (int i = 0; i < IDS.length; i++) {
      reversed[i] = IDS[IDS.length - 1 - i];
    }
    int[] a = KeyedSelection.copies(5, 0, "s", IDS, 4);
    int[] b = KeyedSelection.copies(5, 0, "s", reversed, 4);
    for (int i = 0; i < IDS.length; i++) {
      assertEquals(a[i], b[IDS.length - 1 - i]);
    }
    int differ = 0;
    for (int round = 1; round <= 20; round++) {
      differ += Arrays.equals(a, KeyedSelection.copies(5, round, "s", IDS, 4)) ? 0 : 1;
    }
    assertTrue(differ >= 15, "each round draws afresh");
  }

  @Test
  void repeatsAreWholeCopiesPlusAUniformRemainder() {
    int[] c = KeyedSelection.copies(9, 0, "s", IDS, 23);
    assertEquals(23, Arrays.stream(c).sum());
    assertEquals(3, Arrays.stream(c).filter(x -> x == 3).count());
    assertEquals(7, Arrays.stream(c).filter(x -> x == 2).count());
    int[] three = KeyedSelection.copies(9, 0, "s", IDS, 3);
    for (int i = 0; i < IDS.length; i++) {
      assertEquals(c[i] == 3 ? 1 : 0, three[i], "the extra copies go to the rows a count of 3 would pick");
    }
    assertArrayEquals(new int[IDS.length], KeyedSelection.copies(9, 0, "s", IDS, 0));
  }
}
