package io.sampleforge.diffusion.continuous;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The exact denoiser of a batch whose rows have different Gaussian-mixture priors: row r is denoised
 * under {@code priors[r]} ({@link GaussianMixtureDenoiser}). The {@code diffuse} job uses it for
 * requests with continuous conditioning columns, where each request's prior is the joint mixture
 * conditioned on the request's values (a mixture again: component weights reweighted by the
 * likelihood of the values, means shifted, covariances the Schur complements; Bishop, PRML 2.3.1). All
 * priors share one dimension. Cost per call: that of {@link GaussianMixtureDenoiser} per row (O(K D^2)
 * per row), one NFE for the batch.
 */
public final class RowMixtureDenoiser implements Denoiser {
  private final GaussianMixture[] priors;
  private final PredictionType type;
  private final int dimension;
  private final Map<GaussianMixture, GaussianMixtureDenoiser> denoisers = new IdentityHashMap<>();

  /** Row r of every batch is denoised under {@code priors[r]}; the array is copied. */
  public RowMixtureDenoiser(GaussianMixture[] priors, PredictionType type) {
    if (priors.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    this.priors = priors.clone();
    this.type = type;
    this.dimension = priors[0].dimension();
    for (GaussianMixture p : this.priors) {
      if (p.dimension() != dimension) {
        throw new IllegalArgumentException("row priors of dimensions " + dimension + " and " + p.dimension());
      }
      denoisers.computeIfAbsent(p, q -> new GaussianMixtureDenoiser(q, type));
    }
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public PredictionType predictionType() {
    return type;
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    if (levels.length != priors.length) {
      throw new IllegalArgumentException(levels.length + " rows for " + priors.length + " row priors");
    }
    double[] xr = new double[dimension];
    double[] or = new double[dimension];
    for (int r = 0; r < priors.length; r++) {
      System.arraycopy(x, r * dimension, xr, 0, dimension);
      denoisers.get(priors[r]).predict(xr, new NoiseLevel[] {levels[r]}, or);
      System.arraycopy(or, 0, out, r * dimension, dimension);
    }
  }
}
