package io.sampleforge.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The generated table has exact class sizes, is a pure function of (spec, row), and separates classes. */
class ClassificationTableTest {
  private final ClassificationTable.Spec spec =
      new ClassificationTable.Spec(10_007, 4, 2, 1, new double[] {0.9, 0.07, 0.03}, 2, 2.0, 3);

  @Test
  void classSizesFollowWeightsExactly() {
    ClassificationTable t = new ClassificationTable(spec);
    long[] counts = new long[3];
    for (long i = 0; i < spec.rows(); i++) {
      counts[t.label(i)]++;
    }
    assertEquals(9006, counts[0]);
    assertEquals(701, counts[1]);
    assertEquals(300, counts[2]);
    for (int c = 0; c < 3; c++) {
      assertEquals(t.classSize(c), counts[c]);
    }
  }

  @Test
  void redundantFeaturesAreLinear() {
    ClassificationTable a = new ClassificationTable(spec);
    assertEquals(7, a.features(0).length);
    // redundant features are fixed linear combinations of the informative ones: for any 5 rows the
    // 5x5 matrix [informative | redundant_0] is singular, while [informative | noise] is not
    double[][] m = new double[5][5];
    double[][] noise = new double[5][5];
    for (int r = 0; r < 5; r++) {
      double[] f = a.features(10 * r + 3);
      for (int j = 0; j < 4; j++) {
        m[r][j] = f[j];
        noise[r][j] = f[j];
      }
      m[r][4] = f[4];
      noise[r][4] = f[6];
    }
    assertTrue(Math.abs(det(m)) < 1e-9, "redundant column is in the informative span, det " + det(m));
    assertTrue(Math.abs(det(noise)) > 1e-3, "noise column is not, det " + det(noise));
  }

  /**
   * Rows are a function of (spec, row) alone: every row computed in order by one table equals the
   * row computed by a fresh table in reverse order, split into 4 strided partitions on 4 threads.
   */
  @Test
  void rowsDoNotDependOnOrderPartitionOrThread() throws Exception {
    ClassificationTable a = new ClassificationTable(spec);
    int n = (int) spec.rows();
    double[][] inOrder = new double[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      inOrder[i] = a.features(i);
      labels[i] = a.label(i);
    }
    ClassificationTable b = new ClassificationTable(spec);
    double[][] other = new double[n][];
    int[] otherLabels = new int[n];
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> parts = new java.util.ArrayList<>();
      for (int part = 0; part < 4; part++) {
        int p = part;
        parts.add(pool.submit(() -> {
          for (int i = n - 1 - p; i >= 0; i -= 4) {
            other[i] = b.features(i);
            otherLabels[i] = b.label(i);
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertArrayEquals(labels, otherLabels);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(inOrder[i], other[i], "row " + i);
    }
  }

  private static double det(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double det = 1;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      if (m[p][c] == 0) {
        return 0;
      }
      if (p != c) {
        double[] t = m[p];
        m[p] = m[c];
        m[c] = t;
        det = -det;
      }
      det *= m[c][c];
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k < n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    return det;
  }

  @Test
  void classMeansAreSeparated() {
    ClassificationTable t = new ClassificationTable(spec);
    double[][] mean = new double[3][4];
    long[] n = new long[3];
    for (long i = 0; i < spec.rows(); i++) {
      int c = t.label(i);
      double[] f = t.features(i);
      n[c]++;
      for (int j = 0; j < 4; j++) {
        mean[c][j] += f[j];
      }
    }
    double gap = 0;
    for (int j = 0; j < 4; j++) {
      gap += Math.abs(mean[0][j] / n[0] - mean[2][j] / n[2]);
    }
    assertTrue(gap > 0.5, "classes should differ in the informative subspace, gap " + gap);
  }
}
