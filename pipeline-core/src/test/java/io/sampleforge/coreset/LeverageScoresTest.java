package io.sampleforge.coreset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Leverage and ridge leverage from the Gram factor equal an independent oracle, the thin SVD A = U S V^T
 * of commons-math3 (tau_i = |U_i|^2, ridge tau_i = sum_k U_ik^2 s_k^2 / (s_k^2 + lambda)), to 1e-9; the
 * Gram sum is the same bit for bit in any row order; singular inputs are refused naming the column.
 */
class LeverageScoresTest {

  private static double[] svdLeverage(double[][] a, double lambda) {
    SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(a));
    RealMatrix u = svd.getU();
    double[] s = svd.getSingularValues();
    double[] tau = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < s.length; k++) {
        double uik = u.getEntry(i, k);
        tau[i] += uik * uik * (s[k] * s[k] / (s[k] * s[k] + lambda));
      }
    }
    return tau;
  }

  @Test
  void leverageEqualsTheSvdOracle() {
    for (int[] shape : new int[][] {{40, 3}, {300, 7}, {12, 12}}) {
      double[][] a = CoresetTables.gaussian(shape[0], shape[1], shape[0] >= 100 ? 4 : 0, 11 + shape[1]);
      double[] got = Coresets.leverage(a, 0, CoresetTables.columns(shape[1]));
      double[] want = svdLeverage(a, 0);
      double sum = 0;
      for (int i = 0; i < a.length; i++) {
        assertEquals(want[i], got[i], 1e-9, "row " + i + " of " + shape[0] + "x" + shape[1]);
        sum += got[i];
      }
      assertEquals(shape[1], sum, 1e-9, "leverage sums to d");
    }
  }

  @Test
  void ridgeLeverageEqualsTheSvdOracle() {
    double[][] a = CoresetTables.gaussian(200, 5, 4, 5);
    for (double lambda : new double[] {0.5, 50, 5000}) {
      double[] got = Coresets.leverage(a, lambda, CoresetTables.columns(5));
      double[] want = svdLeverage(a, lambda);
      for (int i = 0; i < a.length; i++) {
        assertEquals(want[i], got[i], 1e-9, "row " + i + " lambda " + lambda);
      }
    }
  }

  @Test
  void gramSumIsTheSameInAnyOrder() {
    double[][] a = CoresetTables.gaussian(500, 6, 5, 3);
    GramAccumulator forward = Coresets.gram(a);
    GramAccumulator parts = new GramAccumulator(6);
    GramAccumulator tail = new GramAccumulator(6);
    for (int i = a.length - 1; i >= 0; i--) {
      (i % 3 == 0 ? parts : tail).add(a[i], 1.0);
    }
    double[][] x = forward.matrix();
    double[][] y = tail.merge(parts).matrix();
    for (int j = 0; j < 6; j++) {
      for (int k = 0; k < 6; k++) {
        assertEquals(Double.doubleToLongBits(x[j][k]), Double.doubleToLongBits(y[j][k]), "entry " + j + "," + k);
      }
    }
  }

  @Test
  void singularInputsAreRefusedNamingTheColumn() {
    double[][] a = CoresetTables.gaussian(50, 3, 0, 1);
    for (double[] row : a) {
      row[2] = 2 * row[0] - row[1];
    }
    InputDataException e = assertThrows(InputDataException.class, () -> Coresets.leverage(a, 0, List.of("x", "y", "z")));
    assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("linear combination"), e.getMessage());
    // ridge leverage accepts it
    assertEquals(50, Coresets.leverage(a, 1.0, List.of("x", "y", "z")).length);
    double[][] zero = CoresetTables.gaussian(20, 2, 0, 1);
    for (double[] row : zero) {
      row[1] = 0;
    }
    InputDataException z = assertThrows(InputDataException.class, () -> Coresets.leverage(zero, 0, List.of("x", "y")));
    assertTrue(z.getMessage().contains("'y'") && z.getMessage().contains("all zero"), z.getMessage());
  }

  @Test
  void moreColumnsThanRowsIsAConfigError() {
    CoresetSettings s = new CoresetSettings(CoresetTables.columns(5), null, CoresetMethod.LEVERAGE, 1, 2,
        CoresetSampling.POISSON, 1, null, 10, 1e-10);
    ConfigException e = assertThrows(ConfigException.class,
        () -> Coresets.sample(CoresetTables.gaussian(4, 5, 0, 1), CoresetTables.keys(4), s));
    assertTrue(e.getMessage().contains("parameter 'features'") && e.getMessage().contains("d = 5, n = 4"), e.getMessage());
  }
}
