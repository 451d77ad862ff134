package io.sampleforge.coreset;

import io.sampleforge.errors.InputDataException;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * The factor R = L^T of a Gram matrix G + lambda I = R^T R (the R of a thin QR of A, up to signs), with
 * which a row's leverage is q(a) = a^T (G + lambda I)^{-1} a = |L^{-1} a|^2 without forming Q or the
 * inverse. For stability the Gram matrix is first equilibrated (scaled to unit diagonal, which leaves
 * every q unchanged) and factored by commons-math3's Cholesky decomposition; a pivot below 1e-12 (the
 * columns are linearly dependent to about 12 digits) is refused with the offending column named.
 * Accuracy: the Gram route squares the condition number, so q has about 16 - 2 log10(cond(A D^{-1}))
 * correct digits (1e-9 absolute for the tables the tests use); use ridge leverage for nearly collinear
 * columns. Cost: O(d^3) once, O(d^2) per row.
 */
public final class GramFactor implements LeverageFactor {
  private static final long serialVersionUID = 1L;
  /** Smallest accepted Schur pivot of the unit-diagonal Gram matrix. */
  public static final double MIN_PIVOT = 1e-12;

  private final int d;
  private final double[] invScale;
  /** Packed lower triangle of L by rows. */
  private final double[] lower;

  private GramFactor(int d, double[] invScale, double[] lower) {
    this.d = d;
    this.invScale = invScale;
    this.lower = lower;
  }

  /**
   * Factors g + ridge I. {@code columns} name the d columns for the error raised when the matrix is
   * singular (a constant-zero column or linearly dependent columns).
   */
  public static GramFactor of(double[][] g, double ridge, List<String> columns) {
    int d = g.length;
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double diag = g[j][j] + ridge;
      if (!(diag > 0) || Double.isInfinite(diag)) {
        throw InputDataException.of(columns.get(j), "must not be all zero (its Gram diagonal is " + diag
            + "; leverage needs full column rank, or use method ridge-leverage)", diag);
      }
      scale[j] = Math.sqrt(diag);
    }
    double[][] c = new double[d][d];
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < d; k++) {
        c[j][k] = (g[j][k] + (j == k ? ridge : 0.0)) / (scale[j] * scale[k]);
      }
    }
    double[][] l;
    try {
      l = new CholeskyDecomposition(new Array2DRowRealMatrix(c, false), 1e-9, MIN_PIVOT).getL().getData();
    } catch (NonPositiveDefiniteMatrixException e) {
      int j = e.getRow();
      throw InputDataException.of(columns.get(j), String.format(Locale.ROOT,
          "is (nearly) a linear combination of the feature columns before it (Cholesky pivot %.3g of the unit-diagonal"
              + " Gram matrix below %.0e); leverage needs full column rank: drop the column or use method ridge-leverage",
          e.getArgument().doubleValue(), MIN_PIVOT), "features " + columns);
    }
    double[] packed = new double[d * (d + 1) / 2];
    int at = 0;
    for (int i = 0; i < d; i++) {
      for (int k = 0; k <= i; k++) {
        packed[at++] = l[i][k];
      }
    }
    double[] inv = new double[d];
    for (int j = 0; j < d; j++) {
      inv[j] = 1.0 / scale[j];
    }
    return new GramFactor(d, inv, packed);
  }

  /**
   * The factor with a given lower-triangular L (packed by rows) of the column-scaled matrix: q(a) =
   * |L^{-1} (a / scale)|^2. Used by {@link SketchFactor} for L = R^T from a QR.
   */
  static GramFactor ofLower(double[] invScale, double[] packedLower) {
    return new GramFactor(invScale.length, invScale.clone(), packedLower.clone());
  }

  public int dimension() {
    return d;
  }

  /** a^T (G + lambda I)^{-1} a by forward substitution; {@code scratch} has length d (overwritten). */
  @Override
  public double quadratic(double[] a, double[] scratch) {
    double q = 0;
    int at = 0;
    for (int i = 0; i < d; i++) {
      double v = a[i] * invScale[i];
      for (int k = 0; k < i; k++) {
        v -= lower[at + k] * scratch[k];
      }
      at += i;
      double z = v / lower[at];
      at++;
      scratch[i] = z;
      q += z * z;
    }
    return q;
  }
}
