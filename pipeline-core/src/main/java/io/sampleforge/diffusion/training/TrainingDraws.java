package io.sampleforge.diffusion.training;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * Every random draw of a denoiser training, keyed under {@link RandomPurpose#DENOISER_TRAINING}, so a
 * training is a pure function of (rows, settings, seed) and no draw depends on the batch size:
 * <ul>
 *   <li>the row order of epoch e: a Fisher-Yates shuffle (Durstenfeld) whose i-th swap is draw i of
 *       the stream keyed combine(PERMUTATION, e);</li>
 *   <li>the timestep of row r in epoch e: uniform over [0, N) from raw draw 0 of the stream keyed
 *       combine(combine(ROW, e), r); its noise in coordinate c: {@link KeyedStream#gaussian}(c + 1)
 *       of that stream (raw draws 2c + 2 and 2c + 3, disjoint from draw 0);</li>
 *   <li>element j of the parameter named p: {@link KeyedStream#uniform}(j) of the stream keyed
 *       combine(INIT, hash(p)).</li>
 * </ul>
 * Cost: O(1) per draw (two SplitMix64 rounds), no state.
 */
final class TrainingDraws {
  private static final long PERMUTATION = Hash64.of("permutation");
  private static final long ROW = Hash64.of("row");
  private static final long INIT = Hash64.of("init");

  private final long seed;

  TrainingDraws(long seed) {
    this.seed = seed;
  }

  /** The row order of epoch {@code epoch}: a permutation of [0, n). */
  int[] order(int n, int epoch) {
    KeyedStream s = KeyedStream.of(seed, RandomPurpose.DENOISER_TRAINING, Hash64.combine(PERMUTATION, epoch));
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = s.nextIndex(n - 1 - i, i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /** The stream of row {@code row} in epoch {@code epoch}. */
  KeyedStream row(int epoch, int row) {
    return KeyedStream.of(seed, RandomPurpose.DENOISER_TRAINING, Hash64.combine(Hash64.combine(ROW, epoch), row));
  }

  /** The uniform timestep in [0, trainSteps) of a row's stream. */
  static int timestep(KeyedStream row, int trainSteps) {
    return row.nextIndex(0, trainSteps);
  }

  /** The standard normal noise of coordinate c of a row's stream. */
  static double noise(KeyedStream row, int c) {
    return row.gaussian(c + 1L);
  }

  /** The stream of the initial values of the parameter named {@code name}. */
  KeyedStream init(String name) {
    return KeyedStream.of(seed, RandomPurpose.DENOISER_TRAINING, Hash64.combine(INIT, Hash64.of(name)));
  }
}
