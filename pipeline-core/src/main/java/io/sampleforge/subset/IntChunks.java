package io.sampleforge.subset;

import java.util.ArrayList;
import java.util.List;

/**
 * A growable sequence of ints stored in fixed-size blocks, so growing never copies what is already
 * held (a doubling array briefly needs three times its contents) and {@link #toArray} releases
 * each block as it copies it (peak: the result plus one block). Used to build GME corpora of 10^8
 * (item, value) pairs in a bounded heap. Cost: O(1) amortised per append, 4 bytes per int plus one
 * block of slack.
 */
final class IntChunks {
  private static final int BLOCK_BITS = 20;
  private static final int BLOCK = 1 << BLOCK_BITS;
  private static final int MASK = BLOCK - 1;
  static final long BLOCK_BYTES = (long) BLOCK * Integer.BYTES;

  private final List<int[]> blocks = new ArrayList<>();
  private long size;

  void add(int v) {
    int offset = (int) (size & MASK);
    if (offset == 0) {
      blocks.add(new int[BLOCK]);
    }
    blocks.get(blocks.size() - 1)[offset] = v;
    size++;
  }

  int get(long i) {
    return blocks.get((int) (i >>> BLOCK_BITS))[(int) (i & MASK)];
  }

  long size() {
    return size;
  }

  /** Bytes held by the blocks. */
  long bytes() {
    return (long) blocks.size() * BLOCK * Integer.BYTES;
  }

  /** The contents as one array; this sequence is empty afterwards. */
  int[] toArray() {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than 2^31 entries in one corpus column: " + size);
    }
    int[] out = new int[(int) size];
    int at = 0;
    for (int b = 0; b < blocks.size(); b++) {
      int n = (int) Math.min(BLOCK, size - at);
      System.arraycopy(blocks.get(b), 0, out, at, n);
      blocks.set(b, null);
      at += n;
    }
    blocks.clear();
    size = 0;
    return out;
  }
}
