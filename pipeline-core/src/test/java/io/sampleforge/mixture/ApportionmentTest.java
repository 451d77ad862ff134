package io.sampleforge.mixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Largest-remainder apportionment against a brute-force oracle: on random integer weights (so quotas
 * are exact rationals in long arithmetic), every way of giving the leftover seats to a subset of the
 * parties is enumerated and the one with the largest sum of remainders kept (ties: the subset whose
 * parties come first by weight descending, then name); plus the quota property on double weights.
 */
class ApportionmentTest {

  /** The brute-force oracle: enumerate all subsets of parties for the leftover seats. */
  private static long[] oracle(long[] w, String[] names, long total) {
    int k = w.length;
    long sum = Arrays.stream(w).sum();
    long[] floor = new long[k];
    long[] rem = new long[k];
    long given = 0;
    for (int i = 0; i < k; i++) {
      floor[i] = Math.floorDiv(total * w[i], sum);
      rem[i] = total * w[i] - floor[i] * sum;
      given += floor[i];
    }
    int left = (int) (total - given);
    // rank of each party by (weight desc, name asc): the tie-break preference
    Integer[] pref = new Integer[k];
    for (int i = 0; i < k; i++) {
      pref[i] = i;
    }
    Arrays.sort(pref, (a, b) -> w[a] != w[b] ? Long.compare(w[b], w[a]) : names[a].compareTo(names[b]));
    int[] rank = new int[k];
    for (int r = 0; r < k; r++) {
      rank[pref[r]] = r;
    }
    int best = -1;
    long bestSum = -1;
    int[] bestRanks = null;
    for (int mask = 0; mask < (1 << k); mask++) {
      if (Integer.bitCount(mask) != left) {
        continue;
      }
      long s = 0;
      int[] ranks = new int[left];
      int j = 0;
      for (int i = 0; i < k; i++) {
        if ((mask >> i & 1) == 1) {
          s += rem[i];
          ranks[j++] = rank[i];
        }
      }
      Arrays.sort(ranks);
      if (s > bestSum || s == bestSum && Arrays.compare(ranks, bestRanks) < 0) {
        best = mask;
        bestSum = s;
        bestRanks = ranks;
      }
    }
    long[] seats = floor.clone();
    for (int i = 0; i < k; i++) {
      seats[i] += best >> i & 1;
    }
    return seats;
  }

  @Test
  void matchesTheBruteForceOracleOnRandomCases() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    for (int trial = 0; trial < 3000; trial++) {
      int k = 1 + rng.nextInt(9);
      long[] w = new long[k];
      double[] wd = new double[k];
      String[] names = new String[k];
      for (int i = 0; i < k; i++) {
        // small weights make equal remainders (ties) frequent
        w[i] = trial % 2 == 0 ? rng.nextInt(6) : rng.nextInt(1_000_000);
        wd[i] = w[i];
        names[i] = "s" + rng.nextInt(100) + "_" + i;
      }
      if (Arrays.stream(w).sum() == 0) {
        w[0] = 1;
        wd[0] = 1;
      }
      long total = rng.nextInt(trial % 3 == 0 ? 20 : 100_000);
      long[] got = Apportionment.hamilton(wd, names, total);
      assertArrayEquals(oracle(w, names, total), got, "weights " + Arrays.toString(w) + " total " + total);
      assertEquals(total, Arrays.stream(got).sum());
    }
  }

  @Test
  void doubleWeightsKeepTheQuotaProperty() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 500; trial++) {
      int k = 1 + rng.nextInt(50);
      double[] w = new double[k];
      String[] names = new String[k];
      double sum = 0;
      for (int i = 0; i < k; i++) {
        w[i] = Math.exp(rng.nextGaussian() * 3);
        names[i] = "s" + i;
        sum += w[i];
      }
      long total = rng.nextLong(1, 100_000_000L);
      long[] c = Apportionment.hamilton(w, names, total);
      assertEquals(total, Arrays.stream(c).sum());
      for (int i = 0; i < k; i++) {
        double q = total * w[i] / sum;
        assertTrue(Math.abs(c[i] - q) < 1 + 1e-9 * total, "within one seat of the quota");
      }
    }
  }

  @Test
  void equalRemaindersGoToTheLargerWeightThenTheName() {
    // quotas 1.5, 1.5 (weights 1, 1) + 0 -> the seat goes to the name that sorts first
    assertArrayEquals(new long[] {2, 1}, Apportionment.hamilton(new double[] {1, 1}, new String[] {"a", "b"}, 3));
    assertArrayEquals(new long[] {1, 2}, Apportionment.hamilton(new double[] {1, 1}, new String[] {"b", "a"}, 3));
    // weights 1 and 3, total 2: quotas 0.5 and 1.5, equal remainders: the heavier party gets it
    assertArrayEquals(new long[] {0, 2}, Apportionment.hamilton(new double[] {1, 3}, new String[] {"a", "b"}, 2));
    assertArrayEquals(new long[] {0, 0, 5}, Apportionment.hamilton(new double[] {0, 0, 1},
        new String[] {"a", "b", "c"}, 5), "a weight of 0 never gets a seat");
  }
}
