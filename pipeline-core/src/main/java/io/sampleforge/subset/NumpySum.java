package io.sampleforge.subset;

/**
 * Sums a short vector in exactly the order numpy 1.24's {@code add.reduce} over a contiguous axis
 * does (start from the identity 0, then {@code pairwise_sum}: a plain loop below 8 terms, eight
 * interleaved accumulators up to 128, halving above), so that an objective computed here is
 * bit-identical to the GME reference's {@code np.linalg.norm(diff, axis=1)} and ties resolve the
 * same way. Cost: O(n), no allocation.
 */
final class NumpySum {
  private static final int BLOCK = 128;

  private NumpySum() {}

  static double sum(double[] a, int n) {
    return 0.0 + pairwise(a, 0, n);
  }

  private static double pairwise(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    if (n <= BLOCK) {
      double r0 = a[from];
      double r1 = a[from + 1];
      double r2 = a[from + 2];
      double r3 = a[from + 3];
      double r4 = a[from + 4];
      double r5 = a[from + 5];
      double r6 = a[from + 6];
      double r7 = a[from + 7];
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        r0 += a[from + i];
        r1 += a[from + i + 1];
        r2 += a[from + i + 2];
        r3 += a[from + i + 3];
        r4 += a[from + i + 4];
        r5 += a[from + i + 5];
        r6 += a[from + i + 6];
        r7 += a[from + i + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
  }
}
