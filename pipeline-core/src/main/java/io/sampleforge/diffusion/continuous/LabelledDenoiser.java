package io.sampleforge.diffusion.continuous;

/**
 * A {@link ConditionalDenoiser} with one label bound to each row of a batch, as the {@link Denoiser} the
 * solvers take: the plain conditional model (classifier-free guidance at scale 1 without the
 * unconditional half of the batch). Labels are in [0, K]; K is the null class (the unconditional
 * model). Cost: one call on B rows.
 */
public final class LabelledDenoiser implements Denoiser {
  private final ConditionalDenoiser model;
  private final int[] labels;

  private LabelledDenoiser(ConditionalDenoiser model, int[] labels) {
    this.model = model;
    this.labels = labels;
  }

  /** {@code model} with label {@code labels[r]} for row r. */
  public static LabelledDenoiser of(ConditionalDenoiser model, int[] labels) {
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] > model.numClasses()) {
        throw new IllegalArgumentException("label " + labels[r] + " of row " + r + " is outside [0, "
            + model.numClasses() + "] (K = " + model.numClasses() + " is the null class)");
      }
    }
    return new LabelledDenoiser(model, labels.clone());
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public PredictionType predictionType() {
    return model.predictionType();
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    if (levels.length != labels.length) {
      throw new IllegalArgumentException(levels.length + " rows for " + labels.length + " bound labels");
    }
    model.predict(x, levels, labels, out);
  }
}
