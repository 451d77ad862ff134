package io.sampleforge.diffusion.posterior;

/**
 * The covariance of the twisted diffusion sampler's measurement twist at one noise level, S = sigma_y^2 I
 * + r^2 A A^T: the measurement of x0 ~ N(x0_hat, r^2 I) (Pseudoinverse-guided diffusion's form, Song,
 * Vahdat, Mardani and Kautz, ICLR 2023, with {@link TwistedDiffusionSampler}'s r). For identity and
 * masking operators A A^T = I and S is the scalar (sigma_y^2 + r^2) I; for any other map S is factored
 * once per measurement and level (Cholesky, O(m^3)). Evaluations cost O(m^2) per particle.
 */
final class TwistCovariance {
  private final double scalar;
  private final Matrices.Cholesky chol;
  private final double logNorm;

  private TwistCovariance(double scalar, Matrices.Cholesky chol, int m) {
    this.scalar = scalar;
    this.chol = chol;
    double logDet = chol == null ? m * Math.log(scalar) : chol.logDeterminant();
    this.logNorm = -0.5 * (m * Math.log(2 * Math.PI) + logDet);
  }

  /** A A^T (m x m), or null where it is the identity (identity and mask operators). */
  static double[][] gram(MeasurementOperator op) {
    if (op instanceof IdentityOperator || op instanceof MaskOperator) {
      return null;
    }
    double[][] a = op.matrix();
    int m = a.length;
    double[][] g = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int c = 0; c < a[i].length; c++) {
          s += a[i][c] * a[j][c];
        }
        g[i][j] = s;
        g[j][i] = s;
      }
    }
    return g;
  }

  /** S = sigmaY^2 I + r^2 gram (gram null: the identity). */
  static TwistCovariance of(double[][] gram, int m, double sigmaY, double r) {
    double s2 = sigmaY * sigmaY;
    if (gram == null) {
      return new TwistCovariance(s2 + r * r, null, m);
    }
    double[][] s = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        s[i][j] = r * r * gram[i][j] + (i == j ? s2 : 0.0);
      }
    }
    return new TwistCovariance(Double.NaN, new Matrices.Cholesky(s, "the twist covariance sigma_y^2 I + r^2 A A^T"), m);
  }

  /** S^{-1} b. */
  double[] solve(double[] b) {
    if (chol == null) {
      double[] out = new double[b.length];
      for (int i = 0; i < b.length; i++) {
        out[i] = b[i] / scalar;
      }
      return out;
    }
    return chol.solve(b);
  }

  /** log N(diff; 0, S) given diff and S^{-1} diff. */
  double logDensity(double[] diff, double[] solved) {
    double q = 0;
    for (int i = 0; i < diff.length; i++) {
      q += diff[i] * solved[i];
    }
    return logNorm - 0.5 * q;
  }

  /** a^T S^{-1} a. */
  double quadratic(double[] a) {
    double[] s = solve(a);
    double q = 0;
    for (int i = 0; i < a.length; i++) {
      q += a[i] * s[i];
    }
    return q;
  }
}
