package io.sampleforge.random;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit mixing and hashing primitives used to derive stream keys and record keys.
 *
 * <p>{@link #mix(long)} is the finalizer of SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), a bijection on 64-bit words with full avalanche.
 * {@link #of(String)} hashes UTF-8 bytes with the FNV-1a loop followed by that finalizer. Cost:
 * O(1) per word, O(length) per string; no allocation besides the byte encoding.
 */
public final class Hash64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hash64() {}

  /** SplitMix64 finalizer: a bijective avalanche mix of one word. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Order-sensitive combination of two words. */
  public static long combine(long a, long b) {
    return mix(a + GOLDEN_GAMMA + mix(b ^ 0x2545F4914F6CDD1DL));
  }

  /** Hash of a string's UTF-8 bytes. */
  public static long of(String s) {
    long h = FNV_OFFSET;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= FNV_PRIME;
    }
    return mix(h);
  }
}
