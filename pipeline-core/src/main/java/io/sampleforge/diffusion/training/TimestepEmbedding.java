package io.sampleforge.diffusion.training;

/**
 * The sinusoidal embedding of a diffusion timestep t (the model time of a {@link
 * io.sampleforge.diffusion.continuous.NoiseLevel}), as diffusers' {@code get_timestep_embedding} with
 * {@code flip_sin_to_cos=True}, {@code downscale_freq_shift=0}, {@code max_period=10000} (the
 * defaults of its {@code UNet2DModel}): with half = dim / 2 and f_k = exp(-ln(10000) k / half),
 * the embedding is [cos(t f_0) .. cos(t f_{half-1}), sin(t f_0) .. sin(t f_{half-1})]. Computed in
 * float64 and stored as float32. Cost: O(dim) per row.
 */
final class TimestepEmbedding {
  static final double MAX_PERIOD = 10000.0;

  private TimestepEmbedding() {}

  /** The dim / 2 frequencies f_k of an embedding of even size {@code dim}. */
  static double[] frequencies(int dim) {
    int half = dim / 2;
    double[] f = new double[half];
    for (int k = 0; k < half; k++) {
      f[k] = Math.exp(-Math.log(MAX_PERIOD) * k / half);
    }
    return f;
  }

  /** Writes the embedding of {@code t} with {@link #frequencies} {@code freqs} into out[offset, offset + dim). */
  static void write(double t, double[] freqs, float[] out, int offset) {
    int half = freqs.length;
    for (int k = 0; k < half; k++) {
      double arg = t * freqs[k];
      out[offset + k] = (float) Math.cos(arg);
      out[offset + half + k] = (float) Math.sin(arg);
    }
  }
}
