package io.sampleforge.neighbors;

/**
 * The leading principal axis of a block's rows (power iteration on the d×d covariance, from a
 * fixed start vector, so it is a deterministic function of the rows), used to order rows along a
 * line: for a unit vector w, |w·q − w·r| ≤ ‖q − r‖, so gaps between projected intervals are exact
 * lower bounds on distances. Cost: O(n·d²) for the covariance plus O(iterations·d²).
 */
final class PrincipalAxis {
  private static final int ITERATIONS = 40;

  private PrincipalAxis() {}

  static double[] of(FeatureBlock block, double[] mean) {
    int d = block.dim();
    double[] cov = new double[d * d];
    double[] centred = new double[d];
    for (int r = 0; r < block.size(); r++) {
      for (int j = 0; j < d; j++) {
        centred[j] = block.value(r, j) - mean[j];
      }
      for (int j = 0; j < d; j++) {
        double cj = centred[j];
        for (int l = j; l < d; l++) {
          cov[j * d + l] += cj * centred[l];
        }
      }
    }
    for (int j = 0; j < d; j++) {
      for (int l = 0; l < j; l++) {
        cov[j * d + l] = cov[l * d + j];
      }
    }
    double[] w = new double[d];
    for (int j = 0; j < d; j++) {
      w[j] = 1.0 / Math.sqrt(d) * (1 + 0.01 * j);
    }
    normalise(w);
    for (int it = 0; it < ITERATIONS; it++) {
      double[] next = new double[d];
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int l = 0; l < d; l++) {
          s += cov[j * d + l] * w[l];
        }
        next[j] = s;
      }
      if (!normalise(next)) {
        break;
      }
      w = next;
    }
    return w;
  }

  private static boolean normalise(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    if (!(n > 0) || Double.isInfinite(n)) {
      return false;
    }
    for (int j = 0; j < v.length; j++) {
      v[j] /= n;
    }
    return true;
  }
}
