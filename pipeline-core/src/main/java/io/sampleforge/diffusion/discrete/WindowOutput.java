package io.sampleforge.diffusion.discrete;

/**
 * A {@link DenoiserOutput} computed for the positions [from, from + window.length()) of rows of
 * {@code length} positions, read at absolute positions: what {@link KvCachedDenoiser#window} returns.
 * Reading a position outside the window is an error, not a silent wrong row. Cost: none beyond the
 * wrapped output's.
 */
public final class WindowOutput implements DenoiserOutput {
  private final DenoiserOutput window;
  private final int from;
  private final int length;

  public WindowOutput(DenoiserOutput window, int from, int length) {
    if (from < 0 || from + window.length() > length) {
      throw new IllegalArgumentException("window [" + from + ", " + (from + window.length()) + ") is not inside [0, "
          + length + ")");
    }
    this.window = window;
    this.from = from;
    this.length = length;
  }

  @Override
  public int batchSize() {
    return window.batchSize();
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int vocabularySize() {
    return window.vocabularySize();
  }

  @Override
  public void probabilities(int b, int l, double[] out) {
    if (l < from || l >= from + window.length()) {
      throw new IllegalArgumentException("position " + l + " is outside the computed window [" + from + ", "
          + (from + window.length()) + ")");
    }
    window.probabilities(b, l - from, out);
  }

  @Override
  public void close() {
    window.close();
  }
}
