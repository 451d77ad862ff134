package io.sampleforge.neighbors;

import ai.djl.Device;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark (not a test): recall@k and comparisons per query of the random-projection spill-tree
 * search against the exact search, on one machine, for a grid of (leaf rows, trees, spill).
 * Data: like the SMOTE benchmark's minority class (two Gaussian clusters in 8 informative
 * dimensions, 4 linear mixtures, the rest noise). Prints a Markdown table.
 * Run: {@code bench/knn/recall.sh [n] [d] [k]}.
 */
public final class ApproxRecallBench {
  private ApproxRecallBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    double[][] x = KernelBench.rows(n, d);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Hash64.combine(11, i);
    }
    FeatureBlock all = FeatureBlock.of(keys, x);
    long t0 = System.nanoTime();
    Map<Long, NeighborList> exact = new HashMap<>();
    for (NeighborList l : new BlockNeighborSearch(k, Device.cpu()).search(all, all)) {
      exact.put(l.queryKey(), l);
    }
    double exactSeconds = (System.nanoTime() - t0) / 1e9;
    Map<Long, double[]> byKey = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byKey.put(keys[i], x[i]);
    }
    System.out.printf("| n | d | k | leaf rows | trees | spill | recall@%d | compared rows per query | seconds | exact seconds |%n", k);
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    int[][] grid = {{2048, 1}, {2048, 3}, {2048, 6}, {8192, 1}, {8192, 3}, {8192, 6}};
    double[] spills = {0.1, 0.25};
    for (int[] g : grid) {
      for (double spill : spills) {
        long t = System.nanoTime();
        int depth = (int) Math.max(0, Math.ceil(Math.log((double) n / g[0]) / Math.log(2)));
        Map<Long, NeighborList> merged = new HashMap<>();
        long compared = 0;
        for (int tree = 0; tree < g[1]; tree++) {
          RandomProjectionTree rp = RandomProjectionTree.build(x, depth, spill, 5, tree);
          List<List<Integer>> q = new ArrayList<>();
          List<List<Integer>> r = new ArrayList<>();
          for (int leaf = 0; leaf < rp.leaves(); leaf++) {
            q.add(new ArrayList<>());
            r.add(new ArrayList<>());
          }
          for (int i = 0; i < n; i++) {
            q.get(rp.queryLeaf(x[i])).add(i);
            for (int leaf : rp.referenceLeaves(x[i])) {
              r.get(leaf).add(i);
            }
          }
          for (int leaf = 0; leaf < rp.leaves(); leaf++) {
            if (q.get(leaf).isEmpty()) {
              continue;
            }
            compared += (long) q.get(leaf).size() * r.get(leaf).size();
            for (NeighborList l : new BlockNeighborSearch(k, Device.cpu()).search(block(q.get(leaf), keys, x), block(r.get(leaf), keys, x))) {
              merged.merge(l.queryKey(), l, NeighborList::merge);
            }
          }
        }
        long hit = 0;
        for (Map.Entry<Long, NeighborList> e : exact.entrySet()) {
          Set<Long> got = new HashSet<>();
          for (long key : merged.get(e.getKey()).keys()) {
            got.add(key);
          }
          for (long key : e.getValue().keys()) {
            hit += got.contains(key) ? 1 : 0;
          }
        }
        System.out.printf("| %d | %d | %d | %d | %d | %.2f | %.4f | %d | %.2f | %.2f |%n", n, d, k, g[0], g[1], spill,
            (double) hit / ((long) n * k), compared / n, (System.nanoTime() - t) / 1e9, exactSeconds);
      }
    }
  }

  private static FeatureBlock block(List<Integer> rows, long[] keys, double[][] x) {
    long[] k = new long[rows.size()];
    double[][] v = new double[rows.size()][];
    for (int i = 0; i < k.length; i++) {
      k[i] = keys[rows.get(i)];
      v[i] = x[rows.get(i)];
    }
    return FeatureBlock.of(k, v);
  }
}
