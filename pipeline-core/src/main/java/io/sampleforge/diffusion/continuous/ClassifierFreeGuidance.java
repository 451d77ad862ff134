package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Classifier-free guidance (Ho and Salimans 2022, arXiv 2207.12598) as a {@link Denoiser} for the
 * solvers: each call evaluates the conditional and the unconditional (null-class) predictions of a
 * {@link ConditionalDenoiser} in one batch of 2B rows (one NFE, as diffusers' pipelines concatenate
 * them), converts both to noise predictions and returns eps_u + w (eps_c - eps_u) (epsilon prediction).
 * w = 1 is the conditional model, w = 0 the unconditional; w > 1 sharpens towards the class (the
 * product p_c^w p^(1-w), which no longer matches a diffusion of any target exactly: Feynman-Kac
 * correctors fix that). The labels are bound per batch ({@link #of}). Cost: one call on 2B rows plus
 * O(B D).
 */
public final class ClassifierFreeGuidance implements Denoiser {
  private final ConditionalDenoiser model;
  private final int[] labels;
  private final double scale;

  private ClassifierFreeGuidance(ConditionalDenoiser model, int[] labels, double scale) {
    this.model = model;
    this.labels = labels;
    this.scale = scale;
  }

  /**
   * Guidance of {@code model} towards {@code labels[r]} for row r, with scale w >= 0. Labels are in [0, K]; a row
   * with the null class K gets the unconditional prediction whatever w is (eps_c = eps_u).
   */
  public static ClassifierFreeGuidance of(ConditionalDenoiser model, int[] labels, double scale) {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw ConfigException.of("guidance_scale", "must be finite and >= 0", scale);
    }
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] > model.numClasses()) {
        throw new IllegalArgumentException("label " + labels[r] + " of row " + r + " is outside [0, "
            + model.numClasses() + "] (K = " + model.numClasses() + " is the null class)");
      }
    }
    return new ClassifierFreeGuidance(model, labels.clone(), scale);
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public PredictionType predictionType() {
    return PredictionType.EPSILON;
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    int rows = levels.length;
    int d = dimension();
    if (rows != labels.length) {
      throw new IllegalArgumentException(rows + " rows for " + labels.length + " bound labels");
    }
    double[] x2 = new double[2 * x.length];
    System.arraycopy(x, 0, x2, 0, x.length);
    System.arraycopy(x, 0, x2, x.length, x.length);
    NoiseLevel[] l2 = new NoiseLevel[2 * rows];
    System.arraycopy(levels, 0, l2, 0, rows);
    System.arraycopy(levels, 0, l2, rows, rows);
    int[] y2 = new int[2 * rows];
    System.arraycopy(labels, 0, y2, 0, rows);
    java.util.Arrays.fill(y2, rows, 2 * rows, model.numClasses());
    double[] p = new double[x2.length];
    model.predict(x2, l2, y2, p);
    PredictionType t = model.predictionType();
    for (int r = 0; r < rows; r++) {
      NoiseLevel l = levels[r];
      for (int i = 0; i < d; i++) {
        int j = r * d + i;
        double c = t.toNoise(p[j], x[j], l.alpha(), l.sigma());
        double u = t.toNoise(p[x.length + j], x[j], l.alpha(), l.sigma());
        out[j] = u + scale * (c - u);
      }
    }
  }
}
