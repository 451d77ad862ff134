package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.Arrays;

/**
 * The Gaussian-mixture inverse problem of MCGdiff (Cardoso, Janati el Idrissi, Le Corff and Moulines,
 * "Monte Carlo guided diffusion for Bayesian linear inverse problems", ICLR 2024, section 4) as this
 * benchmark builds it, every random choice a keyed draw of the seed:
 * <ul>
 *   <li>Prior: 25 components with means (8i, 8j, 8i, 8j, ...) (the pair repeated over the d
 *       coordinates; the last coordinate is 8i when d is odd) for i, j in {-2, ..., 2}, identity
 *       covariance, <b>equal weights</b> (the paper draws random weights).</li>
 *   <li>{@link #randomOperator}: A = U diag(s) V^T (d_y x d) with U a random d_y x d_y orthogonal matrix
 *       and V a random d x d_y matrix with orthonormal columns (Gram-Schmidt of i.i.d. normal matrices)
 *       and s the d_y singular values drawn uniform on (0, 1) and sorted decreasing.</li>
 *   <li>{@link #measure}: x* one exact prior draw, y = A x* + sigma_y z, sigma_y fixed by the caller (the
 *       paper draws it; this benchmark's default is 1).</li>
 *   <li>{@link #maskOperator}: observe the first d_y coordinates (the masked rows of the table).</li>
 * </ul>
 * Cost: O(d d_y^2) for A, O(d) for the rest.
 */
final class GridGmmProblem {
  private GridGmmProblem() {}

  /** The 25-component grid prior in dimension d. */
  static GaussianMixture prior(int d) {
    double[] w = new double[25];
    double[][] means = new double[25][d];
    double[][] vars = new double[25][d];
    int k = 0;
    for (int i = -2; i <= 2; i++) {
      for (int j = -2; j <= 2; j++) {
        w[k] = 1.0;
        for (int c = 0; c < d; c++) {
          means[k][c] = c % 2 == 0 ? 8.0 * i : 8.0 * j;
        }
        Arrays.fill(vars[k], 1.0);
        k++;
      }
    }
    return GaussianMixture.diagonal(w, means, vars);
  }

  /** A = U diag(s) V^T for measurement {@code index}, keyed by (seed, index). */
  static double[][] randomOperator(int d, int dy, long seed, long index) {
    KeyedStream s = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, 5_000_000L + index);
    long c = 0;
    double[][] u = new double[dy][dy];
    for (int i = 0; i < dy; i++) {
      for (int j = 0; j < dy; j++) {
        u[i][j] = s.gaussian(c++);
      }
    }
    double[][] v = new double[dy][d]; // rows = V's columns
    for (int i = 0; i < dy; i++) {
      for (int j = 0; j < d; j++) {
        v[i][j] = s.gaussian(c++);
      }
    }
    orthonormaliseRows(u);
    orthonormaliseRows(v);
    double[] sv = new double[dy];
    for (int i = 0; i < dy; i++) {
      sv[i] = s.uniform(2 * c + i);
    }
    Arrays.sort(sv);
    double[][] a = new double[dy][d];
    for (int r = 0; r < dy; r++) {
      for (int q = 0; q < dy; q++) {
        double coef = u[q][r] * sv[dy - 1 - q]; // U's column q is row q of u (transposed use: any orthogonal)
        for (int j = 0; j < d; j++) {
          a[r][j] += coef * v[q][j];
        }
      }
    }
    return a;
  }

  /** The first d_y coordinates observed, the rest missing. */
  static MaskOperator maskOperator(int d, int dy, double sigmaY) {
    boolean[] observed = new boolean[d];
    for (int i = 0; i < dy; i++) {
      observed[i] = true;
    }
    return new MaskOperator(observed, sigmaY);
  }

  /** y = A x* + sigma_y z with x* an exact prior draw, keyed by (seed, index). */
  static Measurement measure(GaussianMixture prior, MeasurementOperator op, long seed, long index) {
    GaussianDraws draws = new GaussianDraws(seed);
    double[] x = draws.exactSamples(prior, new SampleKey[] {new SampleKey(7_000_000L + index, 0)});
    KeyedStream s = KeyedStream.of(seed, RandomPurpose.SAMPLE_DISTANCE, 6_000_000L + index);
    double[] z = new double[op.outputDimension()];
    for (int i = 0; i < z.length; i++) {
      z[i] = s.gaussian(i);
    }
    return new Measurement(index, op, op.measure(x, 0, z));
  }

  /** Gram-Schmidt on the rows (twice, for orthogonality to rounding). */
  private static void orthonormaliseRows(double[][] m) {
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < m.length; i++) {
        for (int p = 0; p < i; p++) {
          double dot = 0;
          for (int j = 0; j < m[i].length; j++) {
            dot += m[i][j] * m[p][j];
          }
          for (int j = 0; j < m[i].length; j++) {
            m[i][j] -= dot * m[p][j];
          }
        }
        double norm = 0;
        for (double x : m[i]) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < m[i].length; j++) {
          m[i][j] /= norm;
        }
      }
    }
  }
}
