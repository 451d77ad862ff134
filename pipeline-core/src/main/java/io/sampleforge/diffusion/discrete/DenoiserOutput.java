package io.sampleforge.diffusion.discrete;

/**
 * The conditionals a {@link MaskedDenoiser} returned for one batch, read row by row so that an
 * implementation over a [B, L, V] float tensor converts only the rows a sampler reads. A sampler may
 * keep an output across steps (MDLM's cache) and closes it when no sequence refers to it any more.
 */
public interface DenoiserOutput extends AutoCloseable {
  int batchSize();

  int length();

  int vocabularySize();

  /**
   * Writes p(x_l = . | row b) into {@code out[0..V)} in float64: non-negative, the mask column 0,
   * summing to 1 up to rounding. Only called for positions that were masked in the input.
   */
  void probabilities(int b, int l, double[] out);

  /** Frees native memory; a no-op for heap outputs. */
  @Override
  default void close() {}
}
