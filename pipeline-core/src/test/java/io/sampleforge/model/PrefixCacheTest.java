package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefix cache: a batch that continues together gets its present tensor back without a copy,
 * any other selection gets exactly its rows' slices in order, and entries a call does not extend
 * are released when it ends (memory bounded by the rows in flight).
 */
class PrefixCacheTest extends io.sampleforge.testing.PyTorchFixture {

  /** A [1, 2, rows, 1, 1, 1] present whose row r holds the values r*10 and r*10+1. */
  private NDArray present(NDManager m, int rows) {
    float[] v = new float[2 * rows];
    for (int k = 0; k < 2; k++) {
      for (int r = 0; r < rows; r++) {
        v[k * rows + r] = r * 10 + k;
      }
    }
    return m.create(v, new Shape(1, 2, rows, 1, 1, 1));
  }

  @Test
  void continuingBatchIsFedBackWithoutACopyAndOthersAreSliced() {
    try (PrefixCache cache = new PrefixCache(manager.newSubManager())) {
      cache.beginCall();
      NDArray first = present(cache.manager(), 3);
      cache.put(List.of(100L, 101L, 102L), first);
      cache.endCall();

      cache.beginCall();
      assertTrue(cache.contains(101L));
      NDArray second = present(cache.manager(), 3);
      try (PrefixCache.Past past = cache.take(List.of(100L, 101L, 102L))) {
        assertSame(first, past.array(), "the whole group in order is reused as it is");
        cache.put(List.of(200L, 201L, 202L), second);
      }
      assertTrue(first.isReleased(), "released once every row moved on");
      cache.endCall();

      cache.beginCall();
      try (PrefixCache.Past past = cache.take(List.of(202L, 200L))) {
        assertEquals(new Shape(1, 2, 2, 1, 1, 1), past.array().getShape());
        assertArrayEquals(new float[] {20, 0, 21, 1}, past.array().toFloatArray(), "rows 2 then 0, in that order");
        cache.put(List.of(300L, 301L), present(cache.manager(), 2));
      }
      assertTrue(cache.contains(201L), "row 201 is kept until the call ends");
      assertFalse(second.isReleased());
      cache.endCall();
      assertTrue(second.isReleased(), "row 201 was not extended by the call: its group is released");
      assertEquals(2, cache.size());

      cache.beginCall();
      cache.endCall();
      assertEquals(0, cache.size(), "a call that extends nothing releases everything");
    }
  }
}
