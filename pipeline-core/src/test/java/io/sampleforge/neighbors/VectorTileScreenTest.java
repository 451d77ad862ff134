package io.sampleforge.neighbors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The SIMD tile screen against a scalar oracle. Values are small integers, so every product and
 * sum is exact in float32 and the screened value of each (query, reference) pair is known exactly:
 * the screen must offer exactly the pairs below each query's limit, whatever the kernel shape
 * (eight-row and four-row passes, one- and two-strip passes, and their tails).
 */
class VectorTileScreenTest {
  private static final int L = VectorTileScreen.LANES;

  @Test
  void offersExactlyThePairsBelowEachLimitForEveryTileShape() {
    int checked = 0;
    for (int d : new int[] {1, 3, 16, 20}) {
      for (int nq = 1; nq <= 19; nq++) {
        for (int strips = 1; strips <= 5; strips++) {
          int nr = strips * L - (strips % 2 == 0 ? 3 : 0); // some tiles end in padding rows
          check(nq, nr, d, 31L * nq + 7L * strips + d);
          checked++;
        }
      }
    }
    assertEquals(4 * 19 * 5, checked);
  }

  @Test
  void tighteningLimitsStopOfferingWorseLanes() {
    // a sink that lowers the limit to each offered value: per query, the offered values must form
    // a strictly decreasing sequence whose last element is the minimum over all reference rows
    int d = 20;
    int nq = 13;
    int nr = 4 * L;
    Tile tile = tile(nq, nr, d, 5);
    float[] limits = new float[nq];
    java.util.Arrays.fill(limits, Float.POSITIVE_INFINITY);
    List<List<Float>> offered = new ArrayList<>();
    for (int t = 0; t < nq; t++) {
      offered.add(new ArrayList<>());
    }
    VectorTileScreen.screen(tile.query, nq, d, tile.multipliers, tile.norms, tile.rp, limits, (t, c, limit) -> {
      float v = tile.score(t, c, d);
      assertTrue(v < limit, "offered a lane that was not below the limit");
      offered.get(t).add(v);
      return v;
    });
    for (int t = 0; t < nq; t++) {
      List<Float> seq = offered.get(t);
      float min = Float.POSITIVE_INFINITY;
      for (int c = 0; c < nr; c++) {
        min = Math.min(min, tile.score(t, c, d));
      }
      assertEquals(min, seq.get(seq.size() - 1), "query " + t);
      assertEquals(min, limits[t], "query " + t + " limit written back");
    }
  }

  private static void check(int nq, int nr, int d, long seed) {
    Tile tile = tile(nq, nr, d, seed);
    float[] limits = new float[nq];
    for (int t = 0; t < nq; t++) {
      // a limit inside the range of this query's values, so some lanes pass and some do not
      limits[t] = tile.score(t, (int) ((seed + t) % nr), d) + 0.5f;
    }
    float[] fixed = limits.clone();
    TreeSet<Long> got = new TreeSet<>();
    VectorTileScreen.screen(tile.query, nq, d, tile.multipliers, tile.norms, tile.rp, limits, (t, c, limit) -> {
      assertTrue(got.add((long) t * tile.rp + c), "pair offered twice");
      return limit;
    });
    TreeSet<Long> want = new TreeSet<>();
    for (int t = 0; t < nq; t++) {
      for (int c = 0; c < nr; c++) {
        if (tile.score(t, c, d) < fixed[t]) {
          want.add((long) t * tile.rp + c);
        }
      }
    }
    assertEquals(want, got, "nq=" + nq + " nr=" + nr + " d=" + d);
  }

  /** A query tile and a reference tile in the screen's layout, from small integers. */
  private record Tile(float[] query, float[] multipliers, float[] norms, int rp, int[][] ref) {
    float score(int t, int c, int d) {
      float s = 0;
      for (int j = 0; j < d; j++) {
        s += ref[c][j] * ref[c][j] - 2f * query[t * d + j] * ref[c][j];
      }
      return s;
    }
  }

  private static Tile tile(int nq, int nr, int d, long seed) {
    long state = seed * 0x9E3779B97F4A7C15L + 1;
    float[] query = new float[nq * d];
    for (int i = 0; i < query.length; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      query[i] = (int) ((state >>> 33) % 9) - 4;
    }
    int rp = VectorTileScreen.padded(nr);
    int[][] ref = new int[nr][d];
    float[] multipliers = new float[rp * d];
    float[] norms = new float[rp];
    java.util.Arrays.fill(norms, Float.POSITIVE_INFINITY);
    for (int r = 0; r < nr; r++) {
      float norm = 0;
      for (int j = 0; j < d; j++) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        ref[r][j] = (int) ((state >>> 33) % 9) - 4;
        multipliers[VectorTileScreen.index(r, j, d)] = -2f * ref[r][j];
        norm += ref[r][j] * ref[r][j];
      }
      norms[r] = norm;
    }
    return new Tile(query, multipliers, norms, rp, ref);
  }
}
