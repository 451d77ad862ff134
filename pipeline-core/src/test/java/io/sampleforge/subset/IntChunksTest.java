package io.sampleforge.subset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IntChunksTest {
  /** Across block boundaries (2^20 ints a block) the sequence reads back as appended, then empties. */
  @Test
  void readsBackWhatWasAppendedAcrossBlocks() {
    IntChunks c = new IntChunks();
    int n = (1 << 21) + 3;
    int[] expected = new int[n];
    for (int i = 0; i < n; i++) {
      expected[i] = i * 31 + 7;
      c.add(expected[i]);
    }
    assertEquals(n, c.size());
    assertEquals(expected[(1 << 20) - 1], c.get((1 << 20) - 1));
    assertEquals(expected[1 << 20], c.get(1 << 20));
    assertEquals(3L * IntChunks.BLOCK_BYTES, c.bytes());
    assertArrayEquals(expected, c.toArray());
    assertEquals(0, c.size());
    assertEquals(0, c.bytes());
    assertEquals(0, c.toArray().length);
  }
}
