package io.sampleforge.neighbors;

import ai.djl.Device;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compiles the CPU search kernel ahead of the first real search. The SIMD screen
 * ({@link VectorTileScreen}) is only fast once C2 has compiled it with the Vector API intrinsics;
 * before that every lane operation allocates, so the first search tasks of a short job ran several
 * times slower than later ones. {@link #startInBackground()} runs a few searches over a fixed,
 * formula-generated table in one low-priority daemon thread, once per JVM, while the job is still
 * reading and planning; the results are discarded, so nothing about the output depends on it.
 * Cost: about 40 million screened pairs (a fraction of a second of one core once compiled, more
 * before), once per JVM.
 */
public final class KernelWarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final int DIMS = 16;
  private static final int ROUNDS = 12;

  private KernelWarmUp() {}

  /** Starts the warm-up thread unless this JVM already did, or the SIMD screen is not in use. */
  public static void startInBackground() {
    if (!BlockNeighborSearch.simdScreen(Device.cpu()) || !STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(KernelWarmUp::run, "sampleforge-kernel-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void run() {
    FeatureBlock reference = table(4096, 0);
    FeatureBlock query = table(1024, 1);
    BlockNeighborSearch search = new BlockNeighborSearch(5, Device.cpu());
    BlockNeighborSearch.Prepared prepared = search.prepare(reference);
    for (int round = 0; round < ROUNDS; round++) {
      search.search(query, prepared);
    }
  }

  /** Rows of smooth, distinct, deterministic values: no randomness and no input data involved. */
  private static FeatureBlock table(int rows, int offset) {
    long[] keys = new long[rows];
    double[][] values = new double[rows][DIMS];
    for (int i = 0; i < rows; i++) {
      keys[i] = i;
      for (int j = 0; j < DIMS; j++) {
        values[i][j] = Math.sin(0.37 * (i + offset) * (j + 1) + j);
      }
    }
    return FeatureBlock.of(keys, values);
  }
}
