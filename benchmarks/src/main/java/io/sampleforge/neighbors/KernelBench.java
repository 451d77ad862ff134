package io.sampleforge.neighbors;

import io.sampleforge.random.TestStreams;

import ai.djl.Device;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test) of one {@link BlockNeighborSearch} block pair: n×n rows, d features drawn
 * like the SMOTE benchmark's minority class (two Gaussian clusters in {@code informative} dimensions,
 * linear mixtures, pure-noise dimensions). Prints a table of median seconds and ns per pair per core.
 * Run: {@code bench/knn/bench.sh [n] [d] [k] [repeats]}.
 */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    FeatureBlock block = FeatureBlock.of(keys(n), rows(n, d));
    int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads",
        String.valueOf(Runtime.getRuntime().availableProcessors())));
    System.out.println("| screen | tiles | n | d | k | threads | median s | ns/pair/core | checksum |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---|");
    // the form a CPU task runs (SIMD where jdk.incubator.vector is present), then the GEMM form, alternating
    for (int round = 0; round < 2; round++) {
      for (boolean simd : new boolean[] {true, false}) {
        if (simd && !BlockNeighborSearch.simdScreen(Device.cpu())) {
          continue;
        }
        int tileReference = simd ? BlockNeighborSearch.TILE_REFERENCE_SIMD : BlockNeighborSearch.TILE_REFERENCE;
        BlockNeighborSearch search = new BlockNeighborSearch(k, Device.cpu(), BlockNeighborSearch.TILE_QUERY, tileReference, simd);
        search.search(FeatureBlock.of(keys(2048), rows(2048, d)), FeatureBlock.of(keys(2048), rows(2048, d)));
        double[] secs = new double[repeats];
        long checksum = 0;
        for (int r = 0; r < repeats; r++) {
          long t = System.nanoTime();
          List<NeighborList> out = search.search(block, block);
          secs[r] = (System.nanoTime() - t) / 1e9;
          checksum = 0;
          for (NeighborList l : out) {
            checksum += l.key(0);
          }
        }
        Arrays.sort(secs);
        double median = secs[repeats / 2];
        System.out.printf("| %s | %dx%d | %d | %d | %d | %d | %.3f | %.3f | %x |%n", simd ? "SIMD (Vector API)" : "GEMM (libtorch)",
            BlockNeighborSearch.TILE_QUERY, tileReference, n, d, k, threads, median,
            median * 1e9 * threads / ((double) n * n), checksum);
      }
    }
  }

  private static long[] keys(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Hash64.combine(11, i);
    }
    return keys;
  }

  /** Two Gaussian clusters in 8 informative dims, 4 linear mixtures of them, the rest noise. */
  static double[][] rows(int n, int d) {
    KeyedStream s = TestStreams.of(3, "kernel-bench", n);
    int informative = Math.min(8, d);
    double[][] rows = new double[n][d];
    for (int i = 0; i < n; i++) {
      double centre = (i % 2 == 0) ? 1 : -1;
      for (int j = 0; j < d; j++) {
        double g = s.gaussian((long) i * d + j);
        if (j < informative) {
          rows[i][j] = centre + g;
        } else if (j < informative + 4) {
          rows[i][j] = 0.5 * rows[i][j - informative] + 0.3 * rows[i][(j - informative + 1) % informative];
        } else {
          rows[i][j] = g;
        }
      }
    }
    return rows;
  }
}
