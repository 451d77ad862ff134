package io.sampleforge.neighbors;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU form of {@link BlockNeighborSearch}'s tile screen: the screened values
 * {@code |r|² − 2·q·r} of a query tile against a reference tile are computed with the JDK's SIMD
 * Vector API (fused multiply-adds, four query rows per pass over a lane-wide strip of reference
 * rows so each loaded strip feeds four accumulators) and compared with each query's threshold in
 * registers, so the distance block is never written to memory. Only lanes below a threshold leave
 * the registers, and they go to {@link Sink}, which re-ranks them exactly. This fuses what the GEMM
 * form does in three passes (GEMM, copy, scan) into one; the arithmetic is the same float32
 * screen with the same error bound. Cost: nq·nr·d fused multiply-adds in lanes of
 * {@link #LANES}; memory: the reference tile transposed, d·nr floats.
 *
 * <p>Requires the {@code jdk.incubator.vector} module (Spark 4 adds it to every driver and
 * executor JVM); {@link BlockNeighborSearch} uses it on the CPU when that module is present.
 */
final class VectorTileScreen {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Lanes per vector; reference tiles are padded to a multiple of it. */
  static final int LANES = SPECIES.length();

  /** Receives a screened candidate and returns the query's (possibly tighter) threshold. */
  interface Sink {
    float offer(int queryInTile, int referenceInTile, float limit);
  }

  private VectorTileScreen() {}

  /** Position of (reference row r, feature j) in the strip layout of a tile with d features. */
  static int index(int r, int j, int d) {
    return (r / LANES) * LANES * d + j * LANES + r % LANES;
  }

  /** Reference rows padded to whole vectors. */
  static int padded(int rows) {
    return (rows + LANES - 1) / LANES * LANES;
  }

  /**
   * Screens every query row of the tile against every reference row.
   *
   * @param query row-major query tile, {@code nq × d} centred float32 values
   * @param multipliers reference tile in strips of {@link #LANES} rows, each strip transposed ({@code d × LANES},
   *     see {@link #index}): −2 × centred value, zero padding
   * @param norms reference squared norms, {@code rp}: +infinity for padding rows
   * @param limits per query row, updated in place from {@link Sink#offer}
   */
  static void screen(float[] query, int nq, int d, float[] multipliers, float[] norms, int rp, float[] limits, Sink sink) {
    int t = 0;
    for (; t + 4 <= nq; t += 4) {
      screenFour(query, t, d, multipliers, norms, rp, limits, sink);
    }
    for (; t < nq; t++) {
      screenOne(query, t, d, multipliers, norms, rp, limits, sink);
    }
  }

  private static void screenFour(float[] query, int t, int d, float[] multipliers, float[] norms, int rp, float[] limits,
      Sink sink) {
    int q0 = t * d;
    for (int c = 0; c < rp; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, norms, c);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int j = 0, m = c * d; j < d; j++, m += LANES) {
        FloatVector v = FloatVector.fromArray(SPECIES, multipliers, m);
        int qj = q0 + j;
        a0 = v.fma(FloatVector.broadcast(SPECIES, query[qj]), a0);
        a1 = v.fma(FloatVector.broadcast(SPECIES, query[qj + d]), a1);
        a2 = v.fma(FloatVector.broadcast(SPECIES, query[qj + 2 * d]), a2);
        a3 = v.fma(FloatVector.broadcast(SPECIES, query[qj + 3 * d]), a3);
      }
      VectorMask<Float> below = a0.compare(VectorOperators.LT, limits[t])
          .or(a1.compare(VectorOperators.LT, limits[t + 1]))
          .or(a2.compare(VectorOperators.LT, limits[t + 2]))
          .or(a3.compare(VectorOperators.LT, limits[t + 3]));
      if (below.anyTrue()) {
        drain(a0, t, c, limits, sink);
        drain(a1, t + 1, c, limits, sink);
        drain(a2, t + 2, c, limits, sink);
        drain(a3, t + 3, c, limits, sink);
      }
    }
  }

  private static void screenOne(float[] query, int t, int d, float[] multipliers, float[] norms, int rp, float[] limits,
      Sink sink) {
    int q0 = t * d;
    for (int c = 0; c < rp; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, norms, c);
      for (int j = 0, m = c * d; j < d; j++, m += LANES) {
        a0 = FloatVector.fromArray(SPECIES, multipliers, m).fma(FloatVector.broadcast(SPECIES, query[q0 + j]), a0);
      }
      if (a0.compare(VectorOperators.LT, limits[t]).anyTrue()) {
        drain(a0, t, c, limits, sink);
      }
    }
  }

  /** Offers the lanes of one query row that are below its threshold, tightening it as it goes. */
  private static void drain(FloatVector scores, int t, int c, float[] limits, Sink sink) {
    float limit = limits[t];
    if (!scores.compare(VectorOperators.LT, limit).anyTrue()) {
      return;
    }
    float[] lanes = scores.toArray();
    for (int l = 0; l < lanes.length; l++) {
      if (lanes[l] < limit) {
        limit = sink.offer(t, c + l, limit);
      }
    }
    limits[t] = limit;
  }
}
