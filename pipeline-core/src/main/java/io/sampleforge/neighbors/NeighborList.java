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
  private final int[] tags;

  /**
   * @param queryKey record key of the query row
   * @param capacity k, the most neighbours the list keeps when merged
   * @param keys neighbour keys in (distance, key) order
   * @param squaredDistances their squared distances
   */
  public NeighborList(long queryKey, int capacity, long[] keys, double[] squaredDistances) {
    this(queryKey, capacity, keys, squaredDistances, new int[keys.length]);
  }

  /**
   * As above, with one integer tag per neighbour (the caller's code for the neighbour's class, for
   * example); tags travel with their entries through {@link #merge}.
   */
  public NeighborList(long queryKey, int capacity, long[] keys, double[] squaredDistances, int[] tags) {
    if (keys.length != squaredDistances.length || keys.length != tags.length || keys.length > capacity) {
      throw new IllegalArgumentException("keys, distances and tags differ in length or exceed capacity " + capacity);
    }
    this.queryKey = queryKey;
    this.capacity = capacity;
    this.keys = keys;
    this.squaredDistances = squaredDistances;
    this.tags = tags;
  }

  /** This list with every entry tagged {@code tag}. */
  public NeighborList withTag(int tag) {
    int[] t = new int[keys.length];
    java.util.Arrays.fill(t, tag);
    return new NeighborList(queryKey, capacity, keys, squaredDistances, t);
  }

  /** This list with each entry tagged {@code tagOf(key)}. */
  public NeighborList withTags(java.util.function.LongToIntFunction tagOf) {
    int[] t = new int[keys.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = tagOf.applyAsInt(keys[i]);
    }
    return new NeighborList(queryKey, capacity, keys, squaredDistances, t);
  }

  /** Tag of the neighbour at {@code rank}. */
  public int tag(int rank) {
    return tags[rank];
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

  /**
   * Merges two lists for the same query, keeping the best capacity in (distance, key) order; a
   * neighbour present in both (overlapping reference sets, as in the approximate search's trees)
   * is kept once.
   */
  public static NeighborList merge(NeighborList a, NeighborList b) {
    int k = Math.min(a.capacity, b.capacity);
    if (a.queryKey != b.queryKey) {
      throw new IllegalArgumentException("merging lists of different queries " + a.queryKey + " and " + b.queryKey);
    }
    int n = Math.min(k, a.size() + b.size());
    long[] keys = new long[n];
    double[] d = new double[n];
    int[] t = new int[n];
    int i = 0;
    int j = 0;
    int o = 0;
    while (o < n && (i < a.size() || j < b.size())) {
      boolean takeA = j >= b.size()
          || (i < a.size() && precedes(a.squaredDistances[i], a.keys[i], b.squaredDistances[j], b.keys[j]));
      long key = takeA ? a.keys[i] : b.keys[j];
      double dist = takeA ? a.squaredDistances[i] : b.squaredDistances[j];
      int tag = takeA ? a.tags[i++] : b.tags[j++];
      // the same neighbour found twice (approximate search: several trees) sorts adjacently; keep one
      if (o > 0 && keys[o - 1] == key && d[o - 1] == dist) {
        continue;
      }
      keys[o] = key;
      d[o] = dist;
      t[o++] = tag;
    }
    if (o < n) {
      keys = java.util.Arrays.copyOf(keys, o);
      d = java.util.Arrays.copyOf(d, o);
      t = java.util.Arrays.copyOf(t, o);
    }
    return new NeighborList(a.queryKey, k, keys, d, t);
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
