package io.sampleforge.diffusion.discrete;

import java.util.List;

/** Checks a sampler's inputs and copies the initial tokens (the samplers write into the copy). */
final class SamplerInputs {
  private SamplerInputs() {}

  static int[][] check(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int vocab = model.vocabularySize();
    int mask = model.maskId();
    if (vocab < 2 || mask < 0 || mask >= vocab) {
      throw new IllegalArgumentException("the model's mask id " + mask + " must lie in [0, " + vocab + ") with V >= 2");
    }
    if (keys.size() != initial.length) {
      throw new IllegalArgumentException(keys.size() + " sequence keys but " + initial.length + " initial rows");
    }
    int[][] x = new int[initial.length][];
    for (int b = 0; b < initial.length; b++) {
      int[] row = initial[b];
      if (row.length == 0 || row.length != initial[0].length) {
        throw new IllegalArgumentException("initial row " + b + " has length " + row.length
            + "; rows must share one length >= 1 (row 0: " + initial[0].length + ")");
      }
      for (int l = 0; l < row.length; l++) {
        if (row[l] < 0 || row[l] >= vocab) {
          throw new IllegalArgumentException("initial row " + b + " position " + l + " holds id " + row[l]
              + ", outside [0, " + vocab + ")");
        }
      }
      x[b] = row.clone();
    }
    return x;
  }
}
