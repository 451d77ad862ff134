package io.sampleforge.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContextOverflowTest {
  @Test
  void truncateLeftKeepsTheNewestTokensAndTheStartId() {
    int[] ids = {1, 10, 11, 12, 13, 14};
    assertArrayEquals(new int[] {1, 13, 14}, ContextOverflow.truncateLeft(ids, 3, true));
    assertArrayEquals(new int[] {12, 13, 14}, ContextOverflow.truncateLeft(ids, 3, false));
    assertArrayEquals(ids, ContextOverflow.truncateLeft(ids, 6, true));
    assertEquals(ContextOverflow.TRUNCATE_LEFT, ContextOverflow.parse("truncate-left"));
  }
}
