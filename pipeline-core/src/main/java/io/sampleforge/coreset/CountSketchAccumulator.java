package io.sampleforge.coreset;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.io.Serializable;

/**
 * Accumulates the CountSketch SA of a stream of rows (Clarkson and Woodruff, STOC 2013): row i, with
 * record key k_i, is added with sign sigma(k_i) = +-1 to sketch row h(k_i) in [0, s), both drawn from the
 * 64 bits of draw 0 of the keyed stream {@link RandomPurpose#CORESET_SKETCH} of (seed, k_i) (the top 53
 * bits pick the row, the lowest bit the sign), so S is a function of the keys and
 * the seed only, never of the row order or the partitioning. Entries are summed in double-double
 * (Knuth's TwoSum error term, as {@link GramAccumulator}), so partial sketches {@link #merge} to the same
 * float64 matrix in any order. Cost per row: d TwoSums; memory 2 s d doubles.
 */
public final class CountSketchAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int s;
  private final int d;
  private final long seed;
  private final double[] hi;
  private final double[] lo;

  public CountSketchAccumulator(int s, int d, long seed) {
    this.s = s;
    this.d = d;
    this.seed = seed;
    this.hi = new double[s * d];
    this.lo = new double[s * d];
  }

  /** The 64 random bits of the record key (draw 0): the top 53 pick the row, the lowest the sign. */
  private static long bits(long seed, long key) {
    return KeyedStream.of(seed, RandomPurpose.CORESET_SKETCH, key).bits(0);
  }

  private static int bucketOf(long bits, int s) {
    return (int) Math.min(s - 1, (long) (((bits >>> 11) * 0x1.0p-53) * s));
  }

  /** Sketch row of the record key: floor(u s) for the 53-bit uniform u of draw 0. */
  public static int bucket(long seed, long key, int s) {
    return bucketOf(bits(seed, key), s);
  }

  /** Sign of the record key: -1 when the lowest bit of draw 0 is 1, else +1. */
  public static double sign(long seed, long key) {
    return (bits(seed, key) & 1L) != 0 ? -1.0 : 1.0;
  }

  /** Adds sigma(key) a to row h(key). */
  public CountSketchAccumulator add(long key, double[] a) {
    long bits = bits(seed, key);
    int at = bucketOf(bits, s) * d;
    boolean negative = (bits & 1L) != 0;
    for (int j = 0; j < d; j++) {
      twoSum(at + j, negative ? -a[j] : a[j]);
    }
    return this;
  }

  /** Adds another partial sketch into this one (also double-double). */
  public CountSketchAccumulator merge(CountSketchAccumulator other) {
    for (int i = 0; i < hi.length; i++) {
      twoSum(i, other.hi[i]);
      lo[i] += other.lo[i];
    }
    return this;
  }

  private void twoSum(int i, double x) {
    double h = hi[i];
    double sum = h + x;
    double bp = sum - h;
    lo[i] += (h - (sum - bp)) + (x - bp);
    hi[i] = sum;
  }

  public int rows() {
    return s;
  }

  /** SA as s x d, each entry hi + lo rounded to float64. */
  public double[][] matrix() {
    double[][] m = new double[s][d];
    for (int r = 0; r < s; r++) {
      for (int j = 0; j < d; j++) {
        m[r][j] = hi[r * d + j] + lo[r * d + j];
      }
    }
    return m;
  }
}
