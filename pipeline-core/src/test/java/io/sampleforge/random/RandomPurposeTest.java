package io.sampleforge.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomPurposeTest {
  /** Two purposes with one name (or one hash) would share draws: every id and every hash is distinct. */
  @Test
  void everyPurposeHasItsOwnNameAndHash() {
    Set<String> ids = new HashSet<>();
    Set<Long> hashes = new HashSet<>();
    for (RandomPurpose p : RandomPurpose.values()) {
      ids.add(p.id());
      hashes.add(p.salt(0));
    }
    assertEquals(RandomPurpose.values().length, ids.size(), Arrays.toString(RandomPurpose.values()));
    assertEquals(RandomPurpose.values().length, hashes.size());
  }

  /**
   * The stream of a purpose is the one the string-keyed construction gave (seed, then the hashed
   * name, then the record key, each through {@link Hash64#combine}), so outputs did not change when
   * the purposes became an enum.
   */
  @Test
  void streamsAreThoseOfTheNamedConstruction() {
    for (RandomPurpose p : RandomPurpose.values()) {
      long key = Hash64.combine(Hash64.combine(42, Hash64.of(p.id())), 7);
      assertEquals(Hash64.mix(Hash64.mix(key ^ Hash64.mix(3 + 0x632BE59BD9B4E019L)) + 3),
          KeyedStream.of(42, p, 7).bits(3), p.id());
    }
  }
}
