package io.sampleforge.diffusion.continuous;

/**
 * A class-conditional Gaussian diffusion model: like {@link Denoiser}, with a class label per row,
 * {@code labels[r]} in [0, K] where K = {@link #numClasses()} means "no class" (the unconditional
 * model, as classifier-free guidance trains it with a null class). One call is one network evaluation
 * (NFE) whatever the number of rows. Implementations: the exact {@link ClassMixtureDenoiser} and the
 * exported class-conditional contract ({@code io.sampleforge.model.ExportedGaussianDenoiser}).
 */
public interface ConditionalDenoiser {
  /** The per-row dimension D. */
  int dimension();

  /** The number of classes K (labels 0 .. K - 1; K is the null class). */
  int numClasses();

  /** What {@link #predict} returns. */
  PredictionType predictionType();

  /** Writes the prediction for row r at {@code levels[r]} with label {@code labels[r]} into {@code out}. */
  void predict(double[] x, NoiseLevel[] levels, int[] labels, double[] out);
}
