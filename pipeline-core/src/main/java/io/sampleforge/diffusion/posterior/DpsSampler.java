package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;

/**
 * Diffusion posterior sampling (DPS; Chung, Kim, McCann, Klasky and Ye, "Diffusion Posterior Sampling
 * for General Noisy Inverse Problems", ICLR 2023, algorithm 1; reference {@code
 * condition_methods.py::PosteriorSampling}): x_{i+1} = DDPM ancestral step from x_i - zeta_i grad_{x_i}
 * |y - A x0_hat(x_i)| (the norm, not squared; the gradient goes through the denoiser), with the paper's
 * zeta_i = zeta' / |y - A x0_hat(x_i)|. Since grad |r| = -J^T A^T r / |r|, the correction is zeta' J^T A^T
 * r / |r|^2. A step to a clean level returns x0_hat unguided. DPS is biased by design (no weights): it
 * is reported against the exact posterior, not asserted. Noise as {@link TwistedDiffusionSampler}: x_T
 * and step normals keyed by (row id, sample index). Cost: N model calls and N vector-Jacobian
 * products on G S rows.
 */
public record DpsSampler(TimeGrid grid, double stepScale) {
  public DpsSampler {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (!(stepScale >= 0) || Double.isInfinite(stepScale)) {
      throw ConfigException.of("dps.step_scale", "must be finite and >= 0", stepScale);
    }
  }

  /** S samples per measured row, rows g S .. g S + S - 1 of the result (flat, D per row). */
  public double[] sample(DifferentiableDenoiser model, Measurement[] rows, int samplesPerRow, GaussianDraws draws) {
    if (samplesPerRow < 1) {
      throw ConfigException.of("samples", "must be >= 1", samplesPerRow);
    }
    int d = model.dimension();
    int total = rows.length * samplesPerRow;
    SampleKey[] keys = new SampleKey[total];
    for (int g = 0; g < rows.length; g++) {
      if (rows[g].dimension() != d) {
        throw ConfigException.of("measurement", "operator input dimension must equal the prior's dimension " + d,
            rows[g].dimension());
      }
      for (int s = 0; s < samplesPerRow; s++) {
        keys[g * samplesPerRow + s] = new SampleKey(rows[g].id(), s);
      }
    }
    double[] x = draws.initialNoise(keys, d);
    for (int i = 0; i < grid.steps(); i++) {
      NoiseLevel s = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      DifferentiableDenoiser.Linearisation lin = model.linearise(x, total, s);
      double[] data = lin.data();
      if (t.sigma() == 0) {
        x = data.clone();
        continue;
      }
      double[] u = new double[total * d];
      for (int g = 0; g < rows.length; g++) {
        MeasurementOperator op = rows[g].operator();
        double[] y = rows[g].y();
        double[] r = new double[op.outputDimension()];
        for (int p = 0; p < samplesPerRow; p++) {
          int row = g * samplesPerRow + p;
          op.apply(data, row * d, r, 0);
          double norm2 = 0;
          for (int j = 0; j < r.length; j++) {
            r[j] = y[j] - r[j];
            norm2 += r[j] * r[j];
          }
          double scale = norm2 > 0 ? stepScale / norm2 : 0.0;
          for (int j = 0; j < r.length; j++) {
            r[j] *= scale;
          }
          op.adjoint(r, 0, u, row * d);
        }
      }
      double[] correction = new double[total * d];
      lin.vectorJacobianProduct(u, correction);
      double h = t.lambda() - s.lambda();
      double oneMinusE2 = -Math.expm1(-2 * h);
      double cx = (t.sigma() / s.sigma()) * Math.exp(-h);
      double cd = t.alpha() * oneMinusE2;
      double tau = t.sigma() * Math.sqrt(oneMinusE2);
      double[] z = draws.stepNormals(keys, d, i);
      double[] next = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        next[j] = cx * x[j] + cd * data[j] + tau * z[j] + correction[j];
      }
      x = next;
    }
    return x;
  }
}
