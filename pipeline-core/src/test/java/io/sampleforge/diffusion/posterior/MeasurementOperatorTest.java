package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import org.junit.jupiter.api.Test;

/**
 * The operators' contracts: the adjoint identity <A x, y> = <x, A^T y> on keyed random vectors for
 * every operator (non-square dense maps included), masks select and scatter, matrix() is A, the
 * Gaussian log-likelihood is the hand formula, bad parameters are named.
 */
class MeasurementOperatorTest {
  static double[] normals(long key, int n) {
    KeyedStream s = KeyedStream.of(99, RandomPurpose.SAMPLE_DISTANCE, key);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.gaussian(i);
    }
    return out;
  }

  static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  private static MeasurementOperator[] operators() {
    double[][] a = new double[3][5];
    double[] e = normals(7, 15);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 5; j++) {
        a[i][j] = e[i * 5 + j];
      }
    }
    return new MeasurementOperator[] {new IdentityOperator(5, 0.1), new DenseLinearOperator(a, 0.3),
        new MaskOperator(new boolean[] {true, false, false, true, true}, 0.0),
        new MaskOperator(new boolean[] {false, false, true, false, false}, 0.2)};
  }

  @Test
  void theAdjointIdentityHoldsOnKeyedRandomVectors() {
    for (MeasurementOperator op : operators()) {
      int d = op.inputDimension();
      int m = op.outputDimension();
      int rows = 20;
      double[] x = normals(1, rows * d);
      double[] y = normals(2, rows * m);
      double[] ax = op.applyRows(x, rows);
      double[] aty = op.adjointRows(y, rows);
      for (int r = 0; r < rows; r++) {
        double lhs = dot(ax, r * m, y, r * m, m);
        double rhs = dot(x, r * d, aty, r * d, d);
        assertEquals(lhs, rhs, 1e-12 * (1 + Math.abs(lhs)), op + " row " + r);
      }
      double[][] mat = op.matrix();
      assertEquals(m, mat.length);
      for (int r = 0; r < 3; r++) {
        for (int i = 0; i < m; i++) {
          assertEquals(dot(mat[i], 0, x, r * d, d), ax[r * m + i], 1e-12, "matrix() is A");
        }
      }
      assertTrue(op.isLinear());
    }
  }

  @Test
  void masksSelectAndScatter() {
    MaskOperator mask = new MaskOperator(new boolean[] {true, false, true, false}, 0.5);
    assertEquals(2, mask.outputDimension());
    assertArrayEquals(new int[] {0, 2}, mask.observedIndices());
    assertArrayEquals(new int[] {1, 3}, mask.missingIndices());
    double[] y = new double[2];
    mask.apply(new double[] {9, 1, 2, 3, 4}, 1, y, 0);
    assertArrayEquals(new double[] {1, 3}, y, 0.0);
    double[] back = {7, 7, 7, 7};
    mask.adjoint(new double[] {5, 6}, 0, back, 0);
    assertArrayEquals(new double[] {5, 0, 6, 0}, back, 0.0, "the adjoint leaves zeros in the missing slots");
    double[] noisy = mask.measure(new double[] {1, 2, 3, 4}, 0, new double[] {1.0, -2.0});
    assertArrayEquals(new double[] {1.5, 2.0}, noisy, 1e-15);
    ConfigException none = assertThrows(ConfigException.class, () -> new MaskOperator(new boolean[] {false, false}, 0.1));
    assertTrue(none.getMessage().contains("measurement.mask") && none.getMessage().contains("at least one"), none.getMessage());
  }

  @Test
  void theLogLikelihoodIsTheGaussianDensity() {
    DenseLinearOperator op = new DenseLinearOperator(new double[][] {{1, 2}, {0, -1}}, 0.5);
    double[] x = {0.3, -0.2};
    double[] y = {0.1, 0.4};
    double r0 = 0.1 - (0.3 - 0.4);
    double r1 = 0.4 - 0.2;
    double expected = -0.5 * (r0 * r0 + r1 * r1) / 0.25 - Math.log(2 * Math.PI * 0.25);
    assertEquals(expected, op.logLikelihood(y, 0, x, 0), 1e-14);
    assertThrows(IllegalStateException.class, () -> new IdentityOperator(2, 0.0).logLikelihood(y, 0, x, 0));
    ConfigException bad = assertThrows(ConfigException.class, () -> new IdentityOperator(2, Double.NaN));
    assertTrue(bad.getMessage().contains("measurement.sigma_y"), bad.getMessage());
    ConfigException ragged = assertThrows(ConfigException.class,
        () -> new DenseLinearOperator(new double[][] {{1, 2}, {3}}, 0.1));
    assertTrue(ragged.getMessage().contains("measurement.matrix"), ragged.getMessage());
  }
}
