package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import org.junit.jupiter.api.Test;

/**
 * The closed-form linearisation: x0_hat equals the repository's GaussianMixtureDenoiser, and the
 * vector-Jacobian product (Tweedie's covariance identity) equals central finite differences of x0_hat.
 */
class GaussianMixtureJacobianTest {
  @Test
  void dataAndVectorJacobianProductMatchTheDenoiserAndFiniteDifferences() {
    GaussianMixture prior = GaussianMixture.full(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2.0, 1.0, 0.0}, {2.0, 0.5, 1.0}, {0.5, -2.5, -1.0}},
        new double[][][] {{{1.0, 0.4, 0.1}, {0.4, 0.6, 0.0}, {0.1, 0.0, 0.5}},
            {{0.5, -0.2, 0.0}, {-0.2, 0.8, 0.1}, {0.0, 0.1, 0.4}}, {{0.3, 0.0, 0.0}, {0.0, 0.3, 0.0}, {0.0, 0.0, 0.3}}});
    GaussianMixtureJacobian jac = new GaussianMixtureJacobian(prior);
    GaussianMixtureDenoiser ref = new GaussianMixtureDenoiser(prior, PredictionType.SAMPLE);
    int rows = 4;
    double[] x = MeasurementOperatorTest.normals(11, rows * 3);
    double[] u = MeasurementOperatorTest.normals(12, rows * 3);
    for (double logAlpha : new double[] {-2.0, -0.5, -0.05}) {
      NoiseLevel level = NoiseLevel.ofLogAlpha(0.5, logAlpha);
      NoiseLevel[] levels = new NoiseLevel[rows];
      java.util.Arrays.fill(levels, level);
      double[] expected = new double[rows * 3];
      ref.predict(x, levels, expected);
      DifferentiableDenoiser.Linearisation lin = jac.linearise(x, rows, level);
      for (int j = 0; j < expected.length; j++) {
        assertEquals(expected[j], lin.data()[j], 1e-10, "x0_hat at log alpha " + logAlpha);
      }
      double[] vjp = new double[rows * 3];
      lin.vectorJacobianProduct(u, vjp);
      double eps = 1e-6;
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < 3; i++) {
          double[] plus = x.clone();
          double[] minus = x.clone();
          plus[r * 3 + i] += eps;
          minus[r * 3 + i] -= eps;
          double[] fp = jac.linearise(plus, rows, level).data();
          double[] fm = jac.linearise(minus, rows, level).data();
          double fd = 0;
          for (int j = 0; j < 3; j++) {
            fd += u[r * 3 + j] * (fp[r * 3 + j] - fm[r * 3 + j]) / (2 * eps);
          }
          assertEquals(fd, vjp[r * 3 + i], 1e-6 * (1 + Math.abs(fd)), "J^T u, row " + r + " coordinate " + i + " at " + logAlpha);
        }
      }
    }
  }

  /**
   * The diagonal fast path against the dense path on the same mixture given as full matrices: x0_hat
   * and J^T u equal to 1e-10 at three noise levels, with unequal per-coordinate variances and weights.
   */
  @Test
  void diagonalFastPathEqualsTheDensePath() {
    int d = 4;
    double[] w = {0.5, 0.3, 0.2};
    double[][] means = {{-2.0, 1.0, 0.0, 3.0}, {2.0, 0.5, 1.0, -1.0}, {0.5, -2.5, -1.0, 0.0}};
    double[][] vars = {{1.0, 0.6, 0.5, 2.0}, {0.5, 0.8, 0.4, 1.0}, {1.0, 1.0, 1.0, 1.0}};
    GaussianMixture diagonal = GaussianMixture.diagonal(w, means, vars);
    double[][][] covs = new double[3][d][d];
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < d; i++) {
        covs[k][i][i] = vars[k][i];
      }
    }
    GaussianMixture full = GaussianMixture.full(w, means, covs);
    assertTrue(diagonal.isDiagonal(0) && !full.isDiagonal(0), "the two mixtures must take different paths");
    GaussianMixtureJacobian fast = new GaussianMixtureJacobian(diagonal);
    GaussianMixtureJacobian dense = new GaussianMixtureJacobian(full);
    int rows = 6;
    double[] x = MeasurementOperatorTest.normals(21, rows * d);
    for (int j = 0; j < x.length; j++) {
      x[j] *= 2.0;
    }
    double[] u = MeasurementOperatorTest.normals(22, rows * d);
    for (double logAlpha : new double[] {-2.0, -0.5, -0.05}) {
      NoiseLevel level = NoiseLevel.ofLogAlpha(0.5, logAlpha);
      DifferentiableDenoiser.Linearisation a = fast.linearise(x, rows, level);
      DifferentiableDenoiser.Linearisation b = dense.linearise(x, rows, level);
      double[] va = new double[rows * d];
      double[] vb = new double[rows * d];
      a.vectorJacobianProduct(u, va);
      b.vectorJacobianProduct(u, vb);
      double spread = 0;
      for (int j = 0; j < va.length; j++) {
        assertEquals(b.data()[j], a.data()[j], 1e-10, "x0_hat, value " + j + " at log alpha " + logAlpha);
        assertEquals(vb[j], va[j], 1e-10, "J^T u, value " + j + " at log alpha " + logAlpha);
        spread = Math.max(spread, Math.abs(vb[j]));
      }
      assertTrue(spread > 0.1, "the products must be non-trivial for the comparison to mean anything: " + spread);
    }
  }
}
