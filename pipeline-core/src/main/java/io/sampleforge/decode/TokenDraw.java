package io.sampleforge.decode;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;

/**
 * Exact categorical draws by the Gumbel-max trick in float64: token = argmax_i (s_i + G_i) over the
 * finite scores, G_i = -ln(-ln U_i) with U_i a 53-bit uniform keyed by (seed, record key, sample
 * index, position, token). float32 uniforms would cap G near 16.6 and lower the effective
 * temperature (Zheng et al., "Masked Diffusion Models are Secretly Time-Agnostic Masked Models and
 * Exploit Inaccurate Categorical Sampling", ICLR 2025); keyed noise makes a row's tokens
 * independent of the batch it shares. Ties (probability zero) go to the smaller token id. Cost:
 * O(vocab) hashes and two logarithms per finite score.
 */
public final class TokenDraw {
  private final long seed;

  public TokenDraw(long seed) {
    this.seed = seed;
  }

  /** The token drawn from softmax(scores) for one row; -1 when every score is -inf or NaN. */
  public int draw(float[] scores, int offset, int vocab, long recordKey, int sampleIndex, int position) {
    KeyedStream stream = KeyedStream.of(seed, RandomPurpose.TOKEN, Hash64.combine(recordKey, Hash64.combine(sampleIndex, position)));
    int best = -1;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < vocab; t++) {
      float s = scores[offset + t];
      if (!(s > Float.NEGATIVE_INFINITY)) {
        continue;
      }
      double v = s + stream.gumbel(t);
      if (best < 0 || v > bestValue) {
        best = t;
        bestValue = v;
      }
    }
    return best;
  }

  /** The argmax of one row (greedy decoding; ties to the smaller id, like torch.argmax). */
  public static int argmax(float[] scores, int offset, int vocab) {
    int best = -1;
    float bestValue = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < vocab; t++) {
      float s = scores[offset + t];
      if (best < 0 && !Float.isNaN(s) || s > bestValue) {
        best = t;
        bestValue = s;
      }
    }
    return best;
  }
}
