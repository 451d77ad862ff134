package io.sampleforge.neighbors;

/**
 * The permutation that sorts a primitive key array, ties kept in index order (a stable bottom-up
 * merge sort on int indices). It replaces sorting boxed {@code Integer[]} with a comparator, which
 * allocated per element and dominated the preparation of small blocks (approximate-search leaves).
 * Cost: O(n log n) comparisons, two int arrays of n.
 */
final class IndexSort {
  private IndexSort() {}

  /** Indices of {@code key} in ascending order of (key, index); {@link Double#compare} order. */
  static int[] byDouble(double[] key) {
    return sort(key.length, (a, b) -> Double.compare(key[a], key[b]));
  }

  /** Indices of {@code key} in ascending order of (key, index). */
  static int[] byLong(long[] key) {
    return sort(key.length, (a, b) -> Long.compare(key[a], key[b]));
  }

  private interface Order {
    int compare(int a, int b);
  }

  private static int[] sort(int n, Order order) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    // insertion-sorted runs of 16, then merges; stable throughout, so equal keys stay in index order
    final int run = 16;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(n, lo + run);
      for (int i = lo + 1; i < hi; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= lo && order.compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
    }
    int[] b = new int[n];
    for (int width = run; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        int i = lo;
        int j = mid;
        int k = lo;
        if (mid >= hi || order.compare(a[mid - 1], a[mid]) <= 0) {
          System.arraycopy(a, lo, b, lo, hi - lo);
          continue;
        }
        while (i < mid && j < hi) {
          b[k++] = order.compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
        }
        while (i < mid) {
          b[k++] = a[i++];
        }
        while (j < hi) {
          b[k++] = a[j++];
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }
}
