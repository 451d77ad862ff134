package io.sampleforge.coreset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * l_p Lewis weights: the converged weights satisfy their defining equation
 * w_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2}, checked with an explicit LU inverse (commons-math3);
 * they sum to d; p = 2 gives the leverage scores; the iteration cap fails loudly naming max_iterations.
 */
class LewisWeightsTest {
  private static final List<String> COLS = CoresetTables.columns(4);

  private static double[] rightHandSide(double[][] a, double[] w, double p) {
    int d = a[0].length;
    double[][] g = new double[d][d];
    for (int i = 0; i < a.length; i++) {
      double c = Math.pow(w[i], 1 - 2 / p);
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          g[j][k] += c * a[i][j] * a[i][k];
        }
      }
    }
    RealMatrix inv = new LUDecomposition(new Array2DRowRealMatrix(g)).getSolver().getInverse();
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double q = inv.preMultiply(new Array2DRowRealMatrix(new double[][] {a[i]})).operate(a[i])[0];
      out[i] = Math.pow(q, p / 2);
    }
    return out;
  }

  @Test
  void weightsSolveTheirFixedPointEquationAndSumToD() {
    double[][] a = CoresetTables.gaussian(300, 4, 3, 21);
    for (double p : new double[] {1.0, 1.5, 3.0}) {
      double[] w = Coresets.lewis(a, p, 200, 1e-13, COLS);
      double[] rhs = rightHandSide(a, w, p);
      double sum = 0;
      for (int i = 0; i < a.length; i++) {
        assertEquals(rhs[i], w[i], 1e-9 * Math.max(1e-3, w[i]), "p=" + p + " row " + i);
        sum += w[i];
      }
      assertEquals(4.0, sum, 1e-8, "Lewis weights sum to d at p=" + p);
    }
  }

  @Test
  void pTwoIsLeverageAndPOneDiffersFromIt() {
    double[][] a = CoresetTables.gaussian(200, 4, 3, 8);
    double[] lev = Coresets.leverage(a, 0, COLS);
    double[] w2 = Coresets.lewis(a, 2, 5, 1e-12, COLS);
    double[] w1 = Coresets.lewis(a, 1, 200, 1e-12, COLS);
    double maxGap = 0;
    for (int i = 0; i < a.length; i++) {
      assertEquals(lev[i], w2[i], 1e-12);
      maxGap = Math.max(maxGap, Math.abs(w1[i] - lev[i]));
    }
    assertTrue(maxGap > 1e-3, "l1 Lewis weights are not the leverage scores: " + maxGap);
    assertEquals(3, Coresets.lewisFactor(a, 2, 5, 1e-12, COLS).iterations(),
        "p = 2: w = 1, then the leverage, then the check that it is a fixed point");
  }

  @Test
  void theIterationCapFailsNamingMaxIterations() {
    double[][] a = CoresetTables.gaussian(100, 4, 2, 2);
    ConfigException e = assertThrows(ConfigException.class, () -> Coresets.lewis(a, 1, 3, 1e-12, COLS));
    assertTrue(e.getMessage().contains("parameter 'max_iterations'") && e.getMessage().contains("before the Lewis weights converged"), e.getMessage());
  }
}
