package io.sampleforge.tabular;

import java.util.List;

/**
 * Which rows of a raised class seed synthetic rows, and how many children each gets relative to
 * the others, for the methods that look at neighbours of every class:
 *
 * <ul>
 *   <li>Borderline-SMOTE (Han et al., ICIC 2005; imbalanced-learn's {@code BorderlineSMOTE}): a row
 *       is "in danger", and seeds with weight 1, when m/2 ≤ (rows of another class among its m
 *       nearest neighbours) < m; every other row has weight 0;
 *   <li>ADASYN (He et al., IJCNN 2008): a row's weight is the number of rows of another class among
 *       its k nearest neighbours, so its share of the class's children is proportional to that
 *       count (imbalanced-learn's ratio r_i);
 *   <li>every other method: weight 1 for every row.
 * </ul>
 * Also how many all-class neighbours each rule needs, and why a class has no seed row. Cost: O(m)
 * per row.
 */
public final class SeedRules {
  private SeedRules() {}

  /** Neighbours among all classes each seed row needs (danger test, ADASYN ratio, borderline-2 interpolation). */
  public static int crossNeighbors(OverSamplingMethod method, int k) {
    if (method instanceof OverSamplingMethod.Borderline b) {
      return b.kind() == 2 ? Math.max(b.mNeighbors(), k) : b.mNeighbors();
    }
    return k;
  }

  /**
   * The integer weight of a row of class {@code label} whose all-class neighbours (nearest first)
   * have the labels {@code neighborLabels} (null when the row has none).
   */
  public static long weight(OverSamplingMethod method, int k, String label, List<String> neighborLabels) {
    if (method instanceof OverSamplingMethod.Borderline b) {
      int other = otherClass(label, neighborLabels, b.mNeighbors());
      return 2 * other >= b.mNeighbors() && other < b.mNeighbors() ? 1L : 0L;
    }
    if (method instanceof OverSamplingMethod.Adasyn) {
      return otherClass(label, neighborLabels, k);
    }
    return 1L;
  }

  /** Rows of another class among the first m neighbours (0 when the row has none). */
  static int otherClass(String label, List<String> neighborLabels, int m) {
    if (neighborLabels == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < Math.min(m, neighborLabels.size()); i++) {
      if (!neighborLabels.get(i).equals(label)) {
        n++;
      }
    }
    return n;
  }

  /** Why a class of {@code rows} rows has no seed row under {@code method} (every weight 0). */
  public static String noSeedReason(OverSamplingMethod method, long rows) {
    if (method instanceof OverSamplingMethod.Borderline b) {
      return "none of its " + rows + " rows is in danger (m/2 <= other-class rows among its " + b.mNeighbors()
          + " nearest neighbours < m), so " + method.id() + " has no seed row";
    }
    return "none of its " + rows + " rows has a row of another class among its nearest neighbours, so adasyn has no seed row";
  }
}
