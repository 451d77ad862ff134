package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.List;

/**
 * A real {@link MaskedDenoiser} wrapped to record every call's input rows and times (copies), so
 * tests can check what a sampler sent: which tokens were committed between calls, and that they
 * never change afterwards.
 */
final class RecordingDenoiser implements MaskedDenoiser {
  final MaskedDenoiser inner;
  final List<int[][]> inputs = new ArrayList<>();
  final List<double[]> times = new ArrayList<>();

  RecordingDenoiser(MaskedDenoiser inner) {
    this.inner = inner;
  }

  @Override
  public int vocabularySize() {
    return inner.vocabularySize();
  }

  @Override
  public int maskId() {
    return inner.maskId();
  }

  @Override
  public boolean timeConditioned() {
    return inner.timeConditioned();
  }

  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] t) {
    int[][] copy = new int[tokens.length][];
    for (int b = 0; b < tokens.length; b++) {
      copy[b] = tokens[b].clone();
    }
    inputs.add(copy);
    times.add(t.clone());
    return inner.denoise(tokens, t);
  }

  /** The number of positions of {@code row} in [from, to) holding the mask id. */
  int masked(int[] row, int from, int to) {
    int n = 0;
    for (int l = from; l < to; l++) {
      n += row[l] == maskId() ? 1 : 0;
    }
    return n;
  }
}
