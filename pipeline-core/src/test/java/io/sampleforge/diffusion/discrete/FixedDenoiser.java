package io.sampleforge.diffusion.discrete;

/**
 * A hand-made denoiser whose conditional at position l is {@code rows[l]} whatever the input (V =
 * rows[l].length, the last column the mask, which must hold 0): it makes the confidence rules'
 * choices computable by hand.
 */
final class FixedDenoiser implements MaskedDenoiser {
  private final double[][] rows;

  FixedDenoiser(double[][] rows) {
    this.rows = rows;
  }

  @Override
  public int vocabularySize() {
    return rows[0].length;
  }

  @Override
  public int maskId() {
    return rows[0].length - 1;
  }

  @Override
  public boolean timeConditioned() {
    return false;
  }

  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] times) {
    int length = rows.length;
    int vocab = vocabularySize();
    double[] data = new double[tokens.length * length * vocab];
    for (int b = 0; b < tokens.length; b++) {
      for (int l = 0; l < length; l++) {
        System.arraycopy(rows[l], 0, data, (b * length + l) * vocab, vocab);
      }
    }
    return new DenseProbabilities(data, tokens.length, length, vocab);
  }
}
