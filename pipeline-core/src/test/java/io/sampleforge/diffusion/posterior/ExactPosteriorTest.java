package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import org.junit.jupiter.api.Test;

/**
 * The closed-form posterior against brute force: in 1-D and 2-D the posterior moments and density by
 * quadrature of prior x likelihood on a fine grid (trapezoid rule, Gaussian tails far below 1e-12) must
 * equal those of the returned mixture; a mask is the selection matrix of the general formula, and with
 * sigma_y -> 0 its missing-coordinate marginal is the conditional Gaussian mixture.
 */
class ExactPosteriorTest {
  static GaussianMixture prior2d() {
    return GaussianMixture.full(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2.0, 1.0}, {2.0, 0.5}, {0.5, -2.5}},
        new double[][][] {{{1.0, 0.4}, {0.4, 0.6}}, {{0.5, -0.2}, {-0.2, 0.8}}, {{0.3, 0.0}, {0.0, 0.3}}});
  }

  private static double logPriorDensity1d(double x, double[] w, double[] mu, double[] var) {
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      s += w[k] * Math.exp(-0.5 * (x - mu[k]) * (x - mu[k]) / var[k]) / Math.sqrt(2 * Math.PI * var[k]);
    }
    return Math.log(s);
  }

  static double density2d(GaussianMixture g, double x0, double x1) {
    return densities(g).applyAsDouble(x0, x1);
  }

  /** The 2-D mixture density with its components' parameters read once. */
  static java.util.function.DoubleBinaryOperator densities(GaussianMixture g) {
    int kk = g.components();
    double[][] mu = new double[kk][];
    double[][][] c = new double[kk][][];
    double[] det = new double[kk];
    for (int k = 0; k < kk; k++) {
      mu[k] = g.mean(k);
      c[k] = g.covariance(k);
      det[k] = c[k][0][0] * c[k][1][1] - c[k][0][1] * c[k][1][0];
    }
    return (x0, x1) -> {
      double s = 0;
      for (int k = 0; k < kk; k++) {
        double a = x0 - mu[k][0];
        double b = x1 - mu[k][1];
        double q = (c[k][1][1] * a * a - 2 * c[k][0][1] * a * b + c[k][0][0] * b * b) / det[k];
        s += g.weight(k) * Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(det[k]));
      }
      return s;
    };
  }

  @Test
  void oneDimensionalPosteriorEqualsQuadrature() {
    double[] w = {0.2, 0.5, 0.3};
    double[] mu = {-3.0, 0.5, 4.0};
    double[] var = {0.5, 1.2, 0.3};
    GaussianMixture prior = GaussianMixture.diagonal(w, new double[][] {{-3.0}, {0.5}, {4.0}},
        new double[][] {{0.5}, {1.2}, {0.3}});
    double a = 1.5;
    double sy = 0.9;
    double y = 1.7;
    GaussianMixture post = ExactPosterior.of(prior, new Measurement(1, new DenseLinearOperator(new double[][] {{a}}, sy), new double[] {y}));
    double h = 0.001;
    double z = 0;
    double m1 = 0;
    double m2 = 0;
    int n = 40000;
    double[] dens = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double x = -20 + i * h;
      double lik = Math.exp(-0.5 * (y - a * x) * (y - a * x) / (sy * sy));
      dens[i] = Math.exp(logPriorDensity1d(x, w, mu, var)) * lik;
      double t = (i == 0 || i == n) ? 0.5 : 1.0;
      z += t * dens[i];
      m1 += t * dens[i] * x;
      m2 += t * dens[i] * x * x;
    }
    double mean = m1 / z;
    double variance = m2 / z - mean * mean;
    assertEquals(mean, MixtureMoments.mean(post)[0], 1e-9, "posterior mean");
    assertEquals(variance, MixtureMoments.covariance(post)[0][0], 1e-9, "posterior variance");
    for (double x : new double[] {-3.0, -0.4, 0.0, 1.1, 3.9}) {
      int i = (int) Math.round((x + 20) / h);
      double exact = 0;
      for (int k = 0; k < post.components(); k++) {
        double v = post.covariance(k)[0][0];
        double d = x - post.mean(k)[0];
        exact += post.weight(k) * Math.exp(-0.5 * d * d / v) / Math.sqrt(2 * Math.PI * v);
      }
      assertEquals(dens[i] / (z * h), exact, 1e-9 * (1 + exact), "posterior density at " + x);
    }
  }

  @Test
  void twoDimensionalPosteriorEqualsQuadrature() {
    GaussianMixture prior = prior2d();
    MeasurementOperator[] ops = {new DenseLinearOperator(new double[][] {{1.0, -0.5}}, 0.4), new IdentityOperator(2, 1.1)};
    double[][] ys = {{1.3}, {0.7, -0.9}};
    for (int c = 0; c < ops.length; c++) {
      MeasurementOperator op = ops[c];
      double[] y = ys[c];
      GaussianMixture post = ExactPosterior.of(prior, new Measurement(2, op, y));
      double h = 0.02;
      int n = 1000;
      double z = 0;
      double[] m = new double[2];
      double[][] s = new double[2][2];
      double[] x = new double[2];
      double[] peak = {0, 0, 0};
      java.util.function.DoubleBinaryOperator priorDensity = densities(prior);
      for (int i = 0; i <= n; i++) {
        for (int j = 0; j <= n; j++) {
          x[0] = -10 + i * h;
          x[1] = -10 + j * h;
          double p = priorDensity.applyAsDouble(x[0], x[1]) * Math.exp(op.logLikelihood(y, 0, x, 0));
          double t = ((i == 0 || i == n) ? 0.5 : 1.0) * ((j == 0 || j == n) ? 0.5 : 1.0) * p;
          z += t;
          m[0] += t * x[0];
          m[1] += t * x[1];
          s[0][0] += t * x[0] * x[0];
          s[0][1] += t * x[0] * x[1];
          s[1][1] += t * x[1] * x[1];
          if (p > peak[2]) {
            peak[0] = x[0];
            peak[1] = x[1];
            peak[2] = p;
          }
        }
      }
      double[] mean = MixtureMoments.mean(post);
      double[][] cov = MixtureMoments.covariance(post);
      assertEquals(m[0] / z, mean[0], 1e-8, op + ": mean 0");
      assertEquals(m[1] / z, mean[1], 1e-8, op + ": mean 1");
      assertEquals(s[0][0] / z - mean[0] * mean[0], cov[0][0], 1e-7, op + ": cov 00");
      assertEquals(s[0][1] / z - mean[0] * mean[1], cov[0][1], 1e-7, op + ": cov 01");
      assertEquals(s[1][1] / z - mean[1] * mean[1], cov[1][1], 1e-7, op + ": cov 11");
      double exactPeak = density2d(post, peak[0], peak[1]);
      assertEquals(peak[2] / (z * h * h), exactPeak, 1e-7 * exactPeak, op + ": density at the grid's mode");
      double[] draws = new GaussianDraws(5).exactSamples(post, new SampleKey[] {new SampleKey(1, 0), new SampleKey(1, 1)});
      assertEquals(4, draws.length, "exact draws come from the posterior mixture");
    }
  }

  @Test
  void aMaskIsASelectionMatrixAndItsNoiselessLimitIsTheConditional() {
    GaussianMixture prior = GaussianMixture.full(new double[] {0.6, 0.4},
        new double[][] {{1.0, -1.0, 0.5}, {-1.5, 2.0, 0.0}},
        new double[][][] {{{1.0, 0.5, 0.2}, {0.5, 1.5, -0.3}, {0.2, -0.3, 0.8}},
            {{0.7, -0.2, 0.1}, {-0.2, 0.9, 0.4}, {0.1, 0.4, 1.1}}});
    boolean[] obs = {true, false, true};
    double[] y = {0.2, 0.9};
    GaussianMixture exact = ExactPosterior.missingGivenObserved(prior, new MaskOperator(obs, 0.0), y);
    assertEquals(1, exact.dimension());
    for (double sy : new double[] {0.0, 1e-6}) {
      MaskOperator mask = new MaskOperator(obs, sy);
      GaussianMixture viaMask = ExactPosterior.of(prior, new Measurement(3, mask, y));
      GaussianMixture viaMatrix = ExactPosterior.of(prior, new Measurement(3, new DenseLinearOperator(mask.matrix(), sy), y));
      double tol = sy == 0 ? 1e-12 : 1e-5;
      for (GaussianMixture full : new GaussianMixture[] {viaMask, viaMatrix}) {
        assertEquals(exact.components(), full.components());
        for (int k = 0; k < exact.components(); k++) {
          assertEquals(exact.weight(k), full.weight(k), tol, "weight " + k + " at sigma_y " + sy);
          assertEquals(exact.mean(k)[0], full.mean(k)[1], tol, "missing mean " + k);
          assertEquals(exact.covariance(k)[0][0], full.covariance(k)[1][1], tol, "missing variance " + k);
          assertEquals(y[0], full.mean(k)[0], tol, "observed coordinates are pinned");
          assertEquals(0.0, full.covariance(k)[2][2], tol, "observed coordinates have no variance");
        }
      }
    }
    // independent check of one component's conditional: mu_M + S_MO S_OO^-1 (y - mu_O)
    double[][] soo = {{1.0, 0.2}, {0.2, 0.8}};
    double det = soo[0][0] * soo[1][1] - soo[0][1] * soo[1][0];
    double r0 = y[0] - 1.0;
    double r1 = y[1] - 0.5;
    double i0 = (soo[1][1] * r0 - soo[0][1] * r1) / det;
    double i1 = (-soo[1][0] * r0 + soo[0][0] * r1) / det;
    double condMean = -1.0 + 0.5 * i0 - 0.3 * i1;
    double j0 = (soo[1][1] * 0.5 - soo[0][1] * -0.3) / det;
    double j1 = (-soo[1][0] * 0.5 + soo[0][0] * -0.3) / det;
    double condVar = 1.5 - (0.5 * j0 - 0.3 * j1);
    assertEquals(condMean, exact.mean(0)[0], 1e-12);
    assertEquals(condVar, exact.covariance(0)[0][0], 1e-12);
  }

  @Test
  void badMeasurementsAreNamed() {
    GaussianMixture prior = prior2d();
    InputDataException wrongLength = assertThrows(InputDataException.class,
        () -> new Measurement(42, new IdentityOperator(2, 0.1), new double[] {1.0}));
    assertTrue(wrongLength.getMessage().contains("row 42"), wrongLength.getMessage());
    InputDataException nan = assertThrows(InputDataException.class,
        () -> new Measurement(43, new IdentityOperator(2, 0.1), new double[] {1.0, Double.NaN}));
    assertTrue(nan.getMessage().contains("row 43") && nan.getMessage().contains("finite"), nan.getMessage());
    ConfigException dim = assertThrows(ConfigException.class,
        () -> ExactPosterior.of(prior, new Measurement(1, new IdentityOperator(3, 0.1), new double[3])));
    assertTrue(dim.getMessage().contains("measurement"), dim.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ExactPosterior.missingGivenObserved(prior, new MaskOperator(new boolean[] {true, true}, 0.0), new double[2]));
  }
}
