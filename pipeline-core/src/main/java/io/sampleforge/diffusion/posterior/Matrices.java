package io.sampleforge.diffusion.posterior;

/**
 * The small dense float64 linear algebra of the exact posterior and the exact denoiser's Jacobian:
 * products, the Cholesky factor of a symmetric positive-definite matrix (Golub and Van Loan, Matrix
 * Computations, algorithm 4.2.1) with its log-determinant and solves. Cost O(n^3) per factor, O(n^2)
 * per solve. Matrices are double[rows][cols].
 */
final class Matrices {
  private Matrices() {}

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int k = b.length;
    int m = b[0].length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < k; l++) {
        double ail = a[i][l];
        if (ail == 0) {
          continue;
        }
        for (int j = 0; j < m; j++) {
          c[i][j] += ail * b[l][j];
        }
      }
    }
    return c;
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  static double[] multiply(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += a[i][j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  /** (a + a^T) / 2. */
  static double[][] symmetrise(double[][] a) {
    int n = a.length;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = 0.5 * (a[i][j] + a[j][i]);
      }
    }
    return s;
  }

  /** The lower Cholesky factor L of a symmetric positive-definite s = L L^T. */
  static final class Cholesky {
    final double[][] lower;
    final int n;

    Cholesky(double[][] s, String what) {
      n = s.length;
      lower = new double[n][n];
      for (int j = 0; j < n; j++) {
        double diag = s[j][j];
        for (int k = 0; k < j; k++) {
          diag -= lower[j][k] * lower[j][k];
        }
        if (!(diag > 0)) {
          throw new IllegalArgumentException(what + " is not positive definite (pivot " + j + " = " + diag + ")");
        }
        double ljj = Math.sqrt(diag);
        lower[j][j] = ljj;
        for (int i = j + 1; i < n; i++) {
          double v = s[i][j];
          for (int k = 0; k < j; k++) {
            v -= lower[i][k] * lower[j][k];
          }
          lower[i][j] = v / ljj;
        }
      }
    }

    /** log det s = 2 sum log L_ii. */
    double logDeterminant() {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += Math.log(lower[i][i]);
      }
      return 2 * s;
    }

    /** s^{-1} b. */
    double[] solve(double[] b) {
      double[] z = forward(b);
      double[] x = new double[n];
      for (int i = n - 1; i >= 0; i--) {
        double v = z[i];
        for (int k = i + 1; k < n; k++) {
          v -= lower[k][i] * x[k];
        }
        x[i] = v / lower[i][i];
      }
      return x;
    }

    /** L^{-1} b. */
    double[] forward(double[] b) {
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        double v = b[i];
        for (int k = 0; k < i; k++) {
          v -= lower[i][k] * z[k];
        }
        z[i] = v / lower[i][i];
      }
      return z;
    }

    /** s^{-1} b for each column of b (n x m). */
    double[][] solveColumns(double[][] b) {
      int m = b[0].length;
      double[][] x = new double[n][m];
      double[] col = new double[n];
      for (int j = 0; j < m; j++) {
        for (int i = 0; i < n; i++) {
          col[i] = b[i][j];
        }
        double[] sol = solve(col);
        for (int i = 0; i < n; i++) {
          x[i][j] = sol[i];
        }
      }
      return x;
    }

    /** log N(r; 0, s) = -(|L^{-1} r|^2 + log det s + n log 2 pi) / 2. */
    double logGaussian(double[] r) {
      double[] z = forward(r);
      double q = 0;
      for (double v : z) {
        q += v * v;
      }
      return -0.5 * (q + logDeterminant() + n * Math.log(2 * Math.PI));
    }
  }
}
