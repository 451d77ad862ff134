package io.sampleforge.random;

import java.io.Serializable;

/**
 * A counter-based random stream keyed by (seed, purpose, record key): draw number {@code i} is a
 * pure function of those three values and {@code i}, so results never depend on partitioning,
 * batching, thread count or task retries.
 *
 * <p>Construction follows the counter-based design of Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3" (SC 2011): the stream key is hashed once, and each draw applies two rounds of
 * the SplitMix64 finalizer to (key, counter). Uniforms are float64 with 53 random bits; Gumbel and
 * normal variates are derived from them in float64 (never float32). Cost: two multiply-xorshift
 * rounds per draw, no state, no allocation.
 */
public final class KeyedStream implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final long streamKey;

  KeyedStream(long streamKey) {
    this.streamKey = streamKey;
  }

  /** The stream for one record under one purpose of one job seed. */
  public static KeyedStream of(long seed, RandomPurpose purpose, long recordKey) {
    return new KeyedStream(Hash64.combine(purpose.salt(seed), recordKey));
  }

  /** Raw 64 random bits of draw {@code counter}. */
  public long bits(long counter) {
    return Hash64.mix(Hash64.mix(streamKey ^ Hash64.mix(counter + 0x632BE59BD9B4E019L)) + counter);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double uniform(long counter) {
    return (bits(counter) >>> 11) * TWO_POW_MINUS_53;
  }

  /** Uniform in (0, 1): never exactly zero, for logarithms. */
  public double openUniform(long counter) {
    return ((bits(counter) >>> 11) + 0.5) * TWO_POW_MINUS_53;
  }

  /** Uniform integer in [0, bound): floor(u * bound) of a 53-bit uniform u (relative bias at most bound / 2^53). */
  public int nextIndex(long counter, int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int i = (int) (uniform(counter) * bound);
    return Math.min(i, bound - 1);
  }

  /** Standard Gumbel variate, -ln(-ln(U)) with U in (0,1), in float64. */
  public double gumbel(long counter) {
    return -Math.log(-Math.log(openUniform(counter)));
  }

  /** Standard normal variate by the Box-Muller transform on draws 2*counter and 2*counter+1. */
  public double gaussian(long counter) {
    double u1 = openUniform(2 * counter);
    double u2 = uniform(2 * counter + 1);
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
