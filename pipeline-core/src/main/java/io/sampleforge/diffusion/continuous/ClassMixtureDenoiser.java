package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact class-conditional model of a labelled Gaussian mixture: class c has prior p_c and its own
 * mixture q_c; the conditional denoiser of class c is {@link GaussianMixtureDenoiser}(q_c) and the
 * null class K is the exact denoiser of the marginal sum_c p_c q_c (one mixture whose components are
 * every class's, weighted p_c w_ck). So a guided sampler with scale 1 draws exactly from q_c, and with
 * scale 0 from the marginal: the oracle of classifier-free guidance tests. Cost per call: that of the
 * class's (or the marginal's) mixture per row.
 */
public final class ClassMixtureDenoiser implements ConditionalDenoiser {
  private final GaussianMixtureDenoiser[] classes;
  private final GaussianMixtureDenoiser marginal;
  private final PredictionType type;

  /** Class priors (normalised, > 0), one full-covariance mixture per class (same dimension). */
  public ClassMixtureDenoiser(double[] priors, List<GaussianMixture> mixtures, PredictionType type) {
    if (priors == null || mixtures == null || priors.length != mixtures.size() || priors.length < 1) {
      throw ConfigException.of("model.classes", "must give one prior per class mixture", priors == null ? null
          : priors.length);
    }
    double total = 0;
    for (double p : priors) {
      if (!(p > 0) || Double.isInfinite(p)) {
        throw ConfigException.of("model.class_priors", "must be finite and > 0", p);
      }
      total += p;
    }
    int d = mixtures.get(0).dimension();
    this.classes = new GaussianMixtureDenoiser[priors.length];
    List<Double> weights = new ArrayList<>();
    List<double[]> means = new ArrayList<>();
    List<double[][]> covs = new ArrayList<>();
    for (int c = 0; c < priors.length; c++) {
      GaussianMixture m = mixtures.get(c);
      if (m.dimension() != d) {
        throw ConfigException.of("model.classes[" + c + "]", "must have dimension " + d, m.dimension());
      }
      classes[c] = new GaussianMixtureDenoiser(m, type);
      for (int k = 0; k < m.components(); k++) {
        weights.add(priors[c] / total * m.weight(k));
        means.add(m.mean(k));
        covs.add(m.covariance(k));
      }
    }
    this.marginal = new GaussianMixtureDenoiser(GaussianMixture.full(weights.stream().mapToDouble(Double::doubleValue)
        .toArray(), means.toArray(new double[0][]), covs.toArray(new double[0][][])), type);
    this.type = type;
  }

  /** The marginal mixture sum_c p_c q_c (the null class's law). */
  public GaussianMixture marginal() {
    return marginal.prior();
  }

  /** Class c's mixture. */
  public GaussianMixture classMixture(int c) {
    return classes[c].prior();
  }

  @Override
  public int dimension() {
    return marginal.dimension();
  }

  @Override
  public int numClasses() {
    return classes.length;
  }

  @Override
  public PredictionType predictionType() {
    return type;
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, int[] labels, double[] out) {
    int d = dimension();
    if (labels.length != levels.length) {
      throw new IllegalArgumentException(labels.length + " labels for " + levels.length + " rows");
    }
    double[] row = new double[d];
    double[] pred = new double[d];
    for (int r = 0; r < levels.length; r++) {
      int c = labels[r];
      if (c < 0 || c > classes.length) {
        throw new IllegalArgumentException("label " + c + " of row " + r + " is outside [0, " + classes.length + "]");
      }
      System.arraycopy(x, r * d, row, 0, d);
      (c == classes.length ? marginal : classes[c]).predict(row, new NoiseLevel[] {levels[r]}, pred);
      System.arraycopy(pred, 0, out, r * d, d);
    }
  }
}
