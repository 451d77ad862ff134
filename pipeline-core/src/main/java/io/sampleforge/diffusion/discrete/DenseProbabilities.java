package io.sampleforge.diffusion.discrete;

/**
 * A {@link DenoiserOutput} held as one float64 array [B * L * V] (row-major); the built-in models
 * produce it. Cost: 8 * B * L * V bytes; a row read copies V doubles.
 */
final class DenseProbabilities implements DenoiserOutput {
  private final double[] data;
  private final int batch;
  private final int length;
  private final int vocab;

  DenseProbabilities(double[] data, int batch, int length, int vocab) {
    if (data.length != (long) batch * length * vocab) {
      throw new IllegalArgumentException("expected " + batch + " x " + length + " x " + vocab + " values, got " + data.length);
    }
    this.data = data;
    this.batch = batch;
    this.length = length;
    this.vocab = vocab;
  }

  @Override
  public int batchSize() {
    return batch;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  @Override
  public void probabilities(int b, int l, double[] out) {
    System.arraycopy(data, (b * length + l) * vocab, out, 0, vocab);
  }
}
