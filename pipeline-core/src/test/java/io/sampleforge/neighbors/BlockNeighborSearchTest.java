package io.sampleforge.neighbors;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tiled DJL search must equal an exact float64 brute force with (distance, key) ties. */
class BlockNeighborSearchTest {

  private static double[][] data(int n, int d, long seed, boolean integer) {
    KeyedStream s = TestStreams.of(seed, "test-data", 0);
    double[][] rows = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double g = s.gaussian((long) i * d + j) * 3 + 100;
        rows[i][j] = integer ? Math.rint(g / 2) : g;
      }
    }
    return rows;
  }

  private static long[] keys(int n, long salt) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = io.sampleforge.random.Hash64.combine(salt, i);
    }
    return keys;
  }

  private static NeighborList bruteForce(long qKey, double[] q, long[] keys, double[][] rows, int k) {
    List<Integer> idx = new ArrayList<>();
    double[] d2 = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      if (keys[r] == qKey) {
        continue;
      }
      double s = 0;
      for (int j = 0; j < q.length; j++) {
        double diff = q[j] - rows[r][j];
        s += diff * diff;
      }
      d2[r] = s;
      idx.add(r);
    }
    idx.sort(Comparator.<Integer>comparingDouble(r -> d2[r]).thenComparingLong(r -> keys[r]));
    int n = Math.min(k, idx.size());
    long[] nk = new long[n];
    double[] nd = new double[n];
    for (int i = 0; i < n; i++) {
      nk[i] = keys[idx.get(i)];
      nd[i] = d2[idx.get(i)];
    }
    return new NeighborList(qKey, k, nk, nd);
  }

  private void check(int n, int d, int k, boolean integer) {
    check(n, d, k, integer, new BlockNeighborSearch(k, Device.cpu()));
    // the GEMM form (what GPU tasks and JVMs without jdk.incubator.vector run) on the same data
    check(n, d, k, integer, new BlockNeighborSearch(k, Device.cpu(), BlockNeighborSearch.TILE_QUERY,
        BlockNeighborSearch.TILE_REFERENCE, false));
  }

  @Test
  void simdScreenRunsWhereTheVectorModuleIsPresent() {
    // surefire starts the JVM with Spark's module options, which include jdk.incubator.vector
    assertEquals(true, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    assertEquals(true, BlockNeighborSearch.simdScreen(Device.cpu()));
    assertEquals(false, BlockNeighborSearch.simdScreen(Device.gpu()));
  }

  private void check(int n, int d, int k, boolean integer, BlockNeighborSearch search) {
    double[][] rows = data(n, d, n * 31L + d, integer);
    long[] keys = keys(n, 7);
    FeatureBlock block = FeatureBlock.of(keys, rows);
    List<NeighborList> got = search.search(block, block);
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      long qKey = block.key(i);
      int src = indexOf(keys, qKey);
      NeighborList want = bruteForce(qKey, rows[src], keys, rows, k);
      assertArrayEquals(want.keys(), got.get(i).keys(), "query " + i + " n=" + n + " integer=" + integer);
    }
  }

  private static int indexOf(long[] keys, long key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    throw new AssertionError();
  }

  @Test
  void continuousDataAcrossSeveralTiles() {
    check(3000, 7, 5, false);
  }

  @Test
  void integerDataWithManyTiesAndDuplicates() {
    check(2600, 3, 5, true);
  }

  @Test
  void smallTilesWithHeavyPruningOnLowDimensionalData() {
    check(2000, 2, 5, false, new BlockNeighborSearch(5, Device.cpu(), 16, 64));
    check(2000, 2, 7, true, new BlockNeighborSearch(7, Device.cpu(), 16, 64));
    check(1500, 5, 3, false, new BlockNeighborSearch(3, Device.cpu(), 7, 33));
    check(2000, 2, 5, false, new BlockNeighborSearch(5, Device.cpu(), 16, 64, false));
    check(1500, 5, 3, false, new BlockNeighborSearch(3, Device.cpu(), 7, 33, false));
  }

  @Test
  void fewerRowsThanK() {
    check(4, 2, 5, false);
  }

  @Test
  void mergingPartialListsOverSplitReferenceEqualsWholeSearch() {
    int n = 900;
    double[][] rows = data(n, 4, 5, true);
    long[] keys = keys(n, 3);
    FeatureBlock all = FeatureBlock.of(keys, rows);
    FeatureBlock left = FeatureBlock.of(Arrays.copyOfRange(keys, 0, 400), Arrays.copyOfRange(rows, 0, 400));
    FeatureBlock right = FeatureBlock.of(Arrays.copyOfRange(keys, 400, n), Arrays.copyOfRange(rows, 400, n));
    BlockNeighborSearch search = new BlockNeighborSearch(6, Device.cpu());
    List<NeighborList> whole = search.search(all, all);
    List<NeighborList> a = search.search(all, left);
    List<NeighborList> b = search.search(all, right);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(whole.get(i).keys(), NeighborList.merge(a.get(i), b.get(i)).keys());
      assertArrayEquals(whole.get(i).keys(), NeighborList.merge(b.get(i), a.get(i)).keys());
    }
  }
}
