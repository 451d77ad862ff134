package io.sampleforge.random;

/**
 * Keyed streams under free-form names, for test fixtures only (random inputs a test generates for
 * itself). Production code draws only under a {@link RandomPurpose}; the construction is the same,
 * so {@code TestStreams.of(s, p.id(), k)} equals {@code KeyedStream.of(s, p, k)}.
 */
public final class TestStreams {
  private TestStreams() {}

  public static KeyedStream of(long seed, String name, long recordKey) {
    return new KeyedStream(Hash64.combine(Hash64.combine(seed, Hash64.of(name)), recordKey));
  }
}
