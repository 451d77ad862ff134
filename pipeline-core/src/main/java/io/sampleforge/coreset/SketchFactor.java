package io.sampleforge.coreset;

import io.sampleforge.errors.InputDataException;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;

/**
 * Approximate leverage from a sketch (Drineas, Magdon-Ismail, Mahoney and Woodruff, "Fast approximation of
 * matrix coherence and statistical leverage", JMLR 2012, algorithm 1 without the final JL projection): R
 * from a Householder QR (commons-math3) of the s x d sketch SA, stacked on sqrt(lambda) I for ridge
 * leverage, and l~_i = |a_i R^{-1}|^2 = a_i^T ((SA)^T SA + lambda I)^{-1} a_i by one triangular solve per
 * row. The columns are first scaled to unit norm in the sketch (which leaves every score unchanged); an
 * |R_jj| below 1e-6 (a column that is a linear combination of the ones before it to about 12 digits of
 * the Gram matrix, the same rule as {@link GramFactor}) is refused with the column named. If S is a
 * subspace embedding with distortion eps, l~_i / l_i lies in [1/(1+eps), 1/(1-eps)]; {@link #error}
 * measures the actual range from the exact Gram matrix ({@link SketchError}). Cost: O(s d^2) for the QR
 * and O(d^3) for the error on the driver, O(d^2) per row.
 */
public final class SketchFactor {
  /** Smallest accepted |R_jj| of the column-scaled sketch (the square root of GramFactor's pivot). */
  public static final double MIN_DIAGONAL = Math.sqrt(GramFactor.MIN_PIVOT);

  private SketchFactor() {}

  /** The lower factor L = R^T of the column-scaled [SA; sqrt(lambda) I] and the column scales. */
  record Triangle(double[][] lower, double[] scale) {}

  /** The factor of the sketch {@code sa} (s x d) with ridge {@code ridge}; {@code columns} name the d columns. */
  public static GramFactor of(double[][] sa, double ridge, List<String> columns) {
    Triangle t = triangle(sa, ridge, columns);
    int d = t.scale().length;
    double[] inv = new double[d];
    double[] packed = new double[d * (d + 1) / 2];
    int at = 0;
    for (int i = 0; i < d; i++) {
      inv[i] = 1.0 / t.scale()[i];
      for (int k = 0; k <= i; k++) {
        packed[at++] = t.lower()[i][k];
      }
    }
    return GramFactor.ofLower(inv, packed);
  }

  static Triangle triangle(double[][] sa, double ridge, List<String> columns) {
    int d = columns.size();
    int s = sa.length;
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double sq = ridge;
      for (double[] row : sa) {
        sq += row[j] * row[j];
      }
      if (!(sq > 0) || Double.isInfinite(sq)) {
        throw InputDataException.of(columns.get(j), "must not be all zero in the sketch (its squared norm in SA is " + sq
            + "; an all-zero column has no leverage: drop it, or use method ridge-leverage)", sq);
      }
      scale[j] = Math.sqrt(sq);
    }
    int rows = s + (ridge > 0 ? d : 0);
    double[][] stacked = new double[rows][d];
    for (int r = 0; r < s; r++) {
      for (int j = 0; j < d; j++) {
        stacked[r][j] = sa[r][j] / scale[j];
      }
    }
    if (ridge > 0) {
      for (int j = 0; j < d; j++) {
        stacked[s + j][j] = Math.sqrt(ridge) / scale[j];
      }
    }
    if (rows < d) {
      throw InputDataException.of(columns.get(rows), "cannot be resolved: the sketch has fewer rows than columns", rows);
    }
    double[][] r = new QRDecomposition(new Array2DRowRealMatrix(stacked, false), 0.0).getR().getData();
    double[][] lower = new double[d][d];
    for (int i = 0; i < d; i++) {
      if (!(Math.abs(r[i][i]) >= MIN_DIAGONAL)) {
        throw InputDataException.of(columns.get(i), String.format(Locale.ROOT,
            "is (nearly) a linear combination of the feature columns before it in the sketch (|R_jj| %.3g of the"
                + " unit-norm QR below %.0e); leverage needs full column rank: drop the column, raise sketch_rows or use"
                + " method ridge-leverage", Math.abs(r[i][i]), MIN_DIAGONAL), "features " + columns);
      }
      for (int k = 0; k <= i; k++) {
        lower[i][k] = r[k][i];
      }
    }
    return new Triangle(lower, scale);
  }

  /**
   * The measured error of the factor of {@code sa} against the exact Gram matrix {@code gram} = A^T A:
   * the extreme eigenvalues of R^{-T} (A^T A + lambda I) R^{-1}. O(s d^2 + d^3).
   */
  public static SketchError error(double[][] sa, double[][] gram, double ridge, List<String> columns) {
    Triangle t = triangle(sa, ridge, columns);
    int d = t.scale().length;
    double[][] c = new double[d][d];
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < d; k++) {
        c[j][k] = (gram[j][k] + (j == k ? ridge : 0.0)) / (t.scale()[j] * t.scale()[k]);
      }
    }
    double[][] y = lowerSolve(t.lower(), c);
    double[][] yt = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        yt[i][j] = y[j][i];
      }
    }
    double[][] z = lowerSolve(t.lower(), yt);
    double[][] m = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        m[i][j] = 0.5 * (z[i][j] + z[j][i]);
      }
    }
    double[] eig = new EigenDecomposition(new Array2DRowRealMatrix(m, false)).getRealEigenvalues();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double e : eig) {
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
    }
    return new SketchError(lo, hi);
  }

  /** X with L X = B, column by column (forward substitution). */
  private static double[][] lowerSolve(double[][] l, double[][] b) {
    int d = l.length;
    double[][] x = new double[d][b[0].length];
    for (int col = 0; col < b[0].length; col++) {
      for (int i = 0; i < d; i++) {
        double v = b[i][col];
        for (int k = 0; k < i; k++) {
          v -= l[i][k] * x[k][col];
        }
        x[i][col] = v / l[i][i];
      }
    }
    return x;
  }
}
