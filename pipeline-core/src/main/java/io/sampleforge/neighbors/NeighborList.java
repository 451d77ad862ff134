package io.sampleforge.neighbors;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The k nearest neighbours of one query row, ordered by (distance, key): exact ties are broken by
 * the smaller record key, so the list is a deterministic function of the rows. Lists computed
 * against disjoint reference sets {@link #merge merge} into the list over their union.
 * Cost: O(k) memory, O(k) per merge.
 */
public final class NeighborList implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long queryKey;
  private final int capacity;
  private final long[] keys;
  private final double[] squaredDistances;

  /**
   * @param queryKey record key of the query row
   * @param capacity k, the most neighbours the list keeps when merged
   * @param keys neighbour keys in (distance, key) order
   * @param squaredDistances their squared distances
   */
  public NeighborList(long queryKey, int capacity, long[] keys, double[] squaredDistances) {
    if (keys.length != squaredDistances.length || keys.length > capacity) {
      throw new IllegalArgumentException("keys and distances differ in length or exceed capacity " + capacity);
    }
    this.queryKey = queryKey;
    this.capacity = capacity;
    this.keys = keys;
    this.squaredDistances = squaredDistances;
  }

  public long queryKey() {
    return queryKey;
  }

  public int capacity() {
    return capacity;
  }

  public int size() {
    return keys.length;
  }

  public long key(int rank) {
    return keys[rank];
  }

  public double distance(int rank) {
    return Math.sqrt(squaredDistances[rank]);
  }

  public double squaredDistance(int rank) {
    return squaredDistances[rank];
  }

  public long[] keys() {
    return keys.clone();
  }

  /** Merges two lists for the same query over disjoint reference sets, keeping the best capacity. */
  public static NeighborList merge(NeighborList a, NeighborList b) {
    int k = Math.min(a.capacity, b.capacity);
    if (a.queryKey != b.queryKey) {
      throw new IllegalArgumentException("merging lists of different queries " + a.queryKey + " and " + b.queryKey);
    }
    int n = Math.min(k, a.size() + b.size());
    long[] keys = new long[n];
    double[] d = new double[n];
    int i = 0;
    int j = 0;
    for (int o = 0; o < n; o++) {
      boolean takeA = j >= b.size()
          || (i < a.size() && precedes(a.squaredDistances[i], a.keys[i], b.squaredDistances[j], b.keys[j]));
      if (takeA) {
        keys[o] = a.keys[i];
        d[o] = a.squaredDistances[i++];
      } else {
        keys[o] = b.keys[j];
        d[o] = b.squaredDistances[j++];
      }
    }
    return new NeighborList(a.queryKey, k, keys, d);
  }

  /** The (distance, key) order. */
  static boolean precedes(double d1, long k1, double d2, long k2) {
    return d1 < d2 || (d1 == d2 && k1 < k2);
  }

  @Override
  public String toString() {
    return "NeighborList{" + queryKey + " -> " + Arrays.toString(keys) + " d2=" + Arrays.toString(squaredDistances) + "}";
  }
}
