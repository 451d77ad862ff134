package io.sampleforge.diffusion.discrete;

/**
 * A {@link DenoiserOutput} over float32 logits [B * L * V] (row-major, the layout of a [B, L, V]
 * tensor's {@code toFloatArray()}), applying MDLM's SUBS rule on read: the mask column is dropped
 * and the rest is soft-maxed in float64 (max subtracted, exp and sum in double), so no float32
 * rounding enters the probabilities a sampler draws from. Cost per row read: V exponentials.
 */
public final class FloatLogits implements DenoiserOutput {
  private final float[] logits;
  private final int batch;
  private final int length;
  private final int vocab;
  private final int maskId;

  public FloatLogits(float[] logits, int batch, int length, int vocab, int maskId) {
    if (batch < 0 || length < 0 || vocab < 2 || logits.length != (long) batch * length * vocab) {
      throw new IllegalArgumentException("logits of " + logits.length + " values do not form [" + batch + ", " + length
          + ", " + vocab + "] with vocab >= 2");
    }
    if (maskId < 0 || maskId >= vocab) {
      throw new IllegalArgumentException("mask id " + maskId + " is outside [0, " + vocab + ")");
    }
    this.logits = logits;
    this.batch = batch;
    this.length = length;
    this.vocab = vocab;
    this.maskId = maskId;
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
    int offset = (b * length + l) * vocab;
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      float s = logits[offset + v];
      if (v != maskId && s > max) {
        max = s;
      }
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isInfinite(max)) {
      throw new IllegalStateException("the model gave row " + b + " position " + l
          + " no finite logit outside the mask column (largest: " + max + ")");
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      float s = logits[offset + v];
      double e = v == maskId || !(s > Float.NEGATIVE_INFINITY) ? 0 : Math.exp(s - max);
      out[v] = e;
      sum += e;
    }
    for (int v = 0; v < vocab; v++) {
      out[v] /= sum;
    }
  }
}
