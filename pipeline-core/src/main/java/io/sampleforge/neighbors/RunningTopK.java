package io.sampleforge.neighbors;

/**
 * A bounded insertion-sorted buffer of the best k (squared distance, key) pairs seen so far for one
 * query, in (distance, key) order. Cost: O(k) per accepted offer, O(1) per rejected one.
 */
final class RunningTopK {
  private final int capacity;
  private final double[] d2;
  private final long[] keys;
  private int size;

  RunningTopK(int capacity) {
    this.capacity = capacity;
    this.d2 = new double[capacity];
    this.keys = new long[capacity];
  }

  boolean isFull() {
    return size == capacity;
  }

  /** The current k-th squared distance, or +infinity while not full. */
  double worst() {
    return size < capacity ? Double.POSITIVE_INFINITY : d2[size - 1];
  }

  boolean contains(long key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return true;
      }
    }
    return false;
  }

  void offer(double dist2, long key) {
    if (capacity == 0) {
      return;
    }
    if (size == capacity && !NeighborList.precedes(dist2, key, d2[size - 1], keys[size - 1])) {
      return;
    }
    if (contains(key)) {
      return;
    }
    int pos = size < capacity ? size++ : size - 1;
    while (pos > 0 && NeighborList.precedes(dist2, key, d2[pos - 1], keys[pos - 1])) {
      d2[pos] = d2[pos - 1];
      keys[pos] = keys[pos - 1];
      pos--;
    }
    d2[pos] = dist2;
    keys[pos] = key;
  }

  NeighborList toList(long queryKey) {
    long[] k = new long[size];
    double[] d = new double[size];
    System.arraycopy(keys, 0, k, 0, size);
    System.arraycopy(d2, 0, d, 0, size);
    return new NeighborList(queryKey, capacity, k, d);
  }
}
