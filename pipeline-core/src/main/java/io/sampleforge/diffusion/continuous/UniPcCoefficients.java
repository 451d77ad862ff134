package io.sampleforge.diffusion.continuous;

/**
 * The linear algebra of one UniPC B(h) update (diffusers' {@code multistep_uni_p_bh_update} /
 * {@code multistep_uni_c_bh_update}, wl-zhao/UniPC {@code multistep_uni_pc_bh_update}), data-prediction
 * sign: with hh = -h, the vector b_k = phi_k(hh) k! / B(h), k = 1 .. p, where phi_1 = (e^hh - 1) / hh - 1
 * and phi_{k+1} = phi_k / hh - 1 / (k + 1)!, and R_{k,j} = r_j^(k-1) over (r_1, .., r_{p-1}, 1). The
 * predictor solves the leading (p-1) x (p-1) block (order 2 uses the fixed 0.5); the corrector solves all
 * of R (order 1 uses the fixed 0.5). Cost O(p^3) per step, p <= 3.
 */
final class UniPcCoefficients {
  private UniPcCoefficients() {}

  /** B(h) at hh = -h. */
  static double bh(UniPcSettings.Variant variant, double hh) {
    return variant == UniPcSettings.Variant.BH1 ? hh : Math.expm1(hh);
  }

  /** b_1 .. b_p. */
  static double[] b(double hh, double bh, int p) {
    double[] b = new double[p];
    double phiK = Math.expm1(hh) / hh - 1;
    double factorial = 1;
    for (int i = 1; i <= p; i++) {
      b[i - 1] = phiK * factorial / bh;
      factorial *= i + 1;
      phiK = phiK / hh - 1 / factorial;
    }
    return b;
  }

  /** The predictor weights of the p - 1 divided differences at ratios rks (length p - 1). */
  static double[] predictor(double[] rks, double[] b) {
    int n = rks.length;
    if (n == 1) {
      return new double[] {0.5};
    }
    double[][] r = new double[n][n];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        r[k][j] = Math.pow(rks[j], k);
      }
    }
    return solve(r, java.util.Arrays.copyOf(b, n));
  }

  /** The corrector weights: p - 1 for the history differences, the last for the new model output. */
  static double[] corrector(double[] rks, double[] b) {
    int n = rks.length + 1;
    if (n == 1) {
      return new double[] {0.5};
    }
    double[][] r = new double[n][n];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        r[k][j] = Math.pow(j < n - 1 ? rks[j] : 1.0, k);
      }
    }
    return solve(r, b.clone());
  }

  /** Gaussian elimination with partial pivoting on a small dense system (a and y are overwritten). */
  static double[] solve(double[][] a, double[] y) {
    int n = y.length;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      double[] row = a[c];
      a[c] = a[p];
      a[p] = row;
      double t = y[c];
      y[c] = y[p];
      y[p] = t;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int j = c; j < n; j++) {
          a[r][j] -= f * a[c][j];
        }
        y[r] -= f * y[c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = y[r];
      for (int j = r + 1; j < n; j++) {
        s -= a[r][j] * x[j];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
