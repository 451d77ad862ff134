package io.sampleforge.neighbors;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU form of {@link BlockNeighborSearch}'s tile screen: the screened values
 * {@code |r|² − 2·q·r} of a query tile against a reference tile are computed with the JDK's SIMD
 * Vector API (fused multiply-adds; with 512-bit vectors eight query rows per pass over two
 * lane-wide strips of reference rows, sixteen accumulators, otherwise four rows over one strip)
 * and compared with each query's threshold in registers, so the distance block is never written
 * to memory. Only lanes below a threshold leave the registers, and they go to {@link Sink},
 * which re-ranks them exactly. This fuses what the GEMM
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
  /**
   * Whether the eight-row kernel is used: 512-bit vectors come with AVX-512's 32 registers, enough
   * for its sixteen accumulators; narrower species keep the four-row kernel.
   */
  private static final boolean WIDE = SPECIES.vectorBitSize() >= 512;

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
    if (WIDE) {
      for (; t + 8 <= nq; t += 8) {
        screenEight(query, t, d, multipliers, norms, rp, limits, sink);
      }
    }
    for (; t + 4 <= nq; t += 4) {
      screenFour(query, t, d, multipliers, norms, rp, limits, sink);
    }
    for (; t < nq; t++) {
      screenOne(query, t, d, multipliers, norms, rp, limits, sink);
    }
  }

  /**
   * Eight query rows against two strips per pass: sixteen independent accumulators hide the
   * fused multiply-add latency, each loaded strip feeds eight of them and each broadcast query
   * value two. Only used with 512-bit species (AVX-512's 32 vector registers); with 16 registers
   * the accumulators would spill.
   * <p>Length (about 80 lines): unrolled by hand for the Vector API; the JIT keeps the eight accumulators in registers only within one method.
   */
  private static void screenEight(float[] query, int t, int d, float[] multipliers, float[] norms, int rp, float[] limits,
      Sink sink) {
    int q0 = t * d;
    int stride = LANES * d;
    int c = 0;
    for (; c + 2 * LANES <= rp; c += 2 * LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, norms, c);
      FloatVector b0 = FloatVector.fromArray(SPECIES, norms, c + LANES);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      FloatVector b1 = b0;
      FloatVector b2 = b0;
      FloatVector b3 = b0;
      FloatVector b4 = b0;
      FloatVector b5 = b0;
      FloatVector b6 = b0;
      FloatVector b7 = b0;
      for (int j = 0, m = c * d; j < d; j++, m += LANES) {
        FloatVector v = FloatVector.fromArray(SPECIES, multipliers, m);
        FloatVector w = FloatVector.fromArray(SPECIES, multipliers, m + stride);
        int qj = q0 + j;
        FloatVector x;
        x = FloatVector.broadcast(SPECIES, query[qj]);
        a0 = v.fma(x, a0);
        b0 = w.fma(x, b0);
        x = FloatVector.broadcast(SPECIES, query[qj + d]);
        a1 = v.fma(x, a1);
        b1 = w.fma(x, b1);
        x = FloatVector.broadcast(SPECIES, query[qj + 2 * d]);
        a2 = v.fma(x, a2);
        b2 = w.fma(x, b2);
        x = FloatVector.broadcast(SPECIES, query[qj + 3 * d]);
        a3 = v.fma(x, a3);
        b3 = w.fma(x, b3);
        x = FloatVector.broadcast(SPECIES, query[qj + 4 * d]);
        a4 = v.fma(x, a4);
        b4 = w.fma(x, b4);
        x = FloatVector.broadcast(SPECIES, query[qj + 5 * d]);
        a5 = v.fma(x, a5);
        b5 = w.fma(x, b5);
        x = FloatVector.broadcast(SPECIES, query[qj + 6 * d]);
        a6 = v.fma(x, a6);
        b6 = w.fma(x, b6);
        x = FloatVector.broadcast(SPECIES, query[qj + 7 * d]);
        a7 = v.fma(x, a7);
        b7 = w.fma(x, b7);
      }
      VectorMask<Float> below = a0.min(b0).compare(VectorOperators.LT, limits[t])
          .or(a1.min(b1).compare(VectorOperators.LT, limits[t + 1]))
          .or(a2.min(b2).compare(VectorOperators.LT, limits[t + 2]))
          .or(a3.min(b3).compare(VectorOperators.LT, limits[t + 3]))
          .or(a4.min(b4).compare(VectorOperators.LT, limits[t + 4]))
          .or(a5.min(b5).compare(VectorOperators.LT, limits[t + 5]))
          .or(a6.min(b6).compare(VectorOperators.LT, limits[t + 6]))
          .or(a7.min(b7).compare(VectorOperators.LT, limits[t + 7]));
      if (below.anyTrue()) {
        drain(a0, t, c, limits, sink);
        drain(b0, t, c + LANES, limits, sink);
        drain(a1, t + 1, c, limits, sink);
        drain(b1, t + 1, c + LANES, limits, sink);
        drain(a2, t + 2, c, limits, sink);
        drain(b2, t + 2, c + LANES, limits, sink);
        drain(a3, t + 3, c, limits, sink);
        drain(b3, t + 3, c + LANES, limits, sink);
        drain(a4, t + 4, c, limits, sink);
        drain(b4, t + 4, c + LANES, limits, sink);
        drain(a5, t + 5, c, limits, sink);
        drain(b5, t + 5, c + LANES, limits, sink);
        drain(a6, t + 6, c, limits, sink);
        drain(b6, t + 6, c + LANES, limits, sink);
        drain(a7, t + 7, c, limits, sink);
        drain(b7, t + 7, c + LANES, limits, sink);
      }
    }
    if (c < rp) {
      screenStrip(query, t, d, multipliers, norms, c, limits, sink);
      screenStrip(query, t + 4, d, multipliers, norms, c, limits, sink);
    }
  }

  private static void screenFour(float[] query, int t, int d, float[] multipliers, float[] norms, int rp, float[] limits,
      Sink sink) {
    for (int c = 0; c < rp; c += LANES) {
      screenStrip(query, t, d, multipliers, norms, c, limits, sink);
    }
  }

  /** Four query rows against the strip of reference rows that starts at row {@code c}. */
  private static void screenStrip(float[] query, int t, int d, float[] multipliers, float[] norms, int c, float[] limits,
      Sink sink) {
    int q0 = t * d;
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
