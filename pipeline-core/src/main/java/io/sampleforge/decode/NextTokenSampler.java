package io.sampleforge.decode;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One decoding step for a batch: processors ({@link LogitsProcessors}), then in sample mode the
 * warper chain ({@link LogitsWarpers}) and a keyed float64 Gumbel-max draw ({@link TokenDraw}), in
 * greedy mode the argmax. Returns each row's token and its log-probability under the model's raw
 * next-token distribution (log_softmax of the unprocessed logits), and appends the token to the
 * row. A row's token depends only on its own history, the settings and the seed. Cost: the
 * processors and warpers on the device plus one O(batch x vocab) pass on the host.
 */
public final class NextTokenSampler {
  private final SamplerSettings settings;
  private final TokenDraw draw;

  public NextTokenSampler(SamplerSettings settings, long seed) {
    this.settings = settings;
    this.draw = new TokenDraw(seed);
  }

  public SamplerSettings settings() {
    return settings;
  }

  /** Result of one step: chosen tokens and their model log-probabilities, per row. */
  public record Step(int[] tokens, double[] logProbabilities) {}

  /** Samples the next token of every row from [rows, vocab] float32 logits. */
  public Step next(NDArray logits, List<SequenceState> rows) {
    int batch = rows.size();
    int vocab = (int) logits.getShape().get(1);
    if (logits.getShape().get(0) != batch) {
      throw new IllegalArgumentException("logits have " + logits.getShape().get(0) + " rows for " + batch + " sequences");
    }
    float[] logProbs = logits.logSoftmax(1).toFloatArray();
    NDArray processed = LogitsProcessors.apply(settings, logits, rows);
    NDArray finalScores = settings.mode() == DecodingMode.SAMPLE ? LogitsWarpers.apply(settings, processed) : processed;
    float[] scores = finalScores.toFloatArray();
    int[] tokens = new int[batch];
    double[] lp = new double[batch];
    for (int b = 0; b < batch; b++) {
      SequenceState r = rows.get(b);
      int t = settings.mode() == DecodingMode.SAMPLE
          ? draw.draw(scores, b * vocab, vocab, r.recordKey(), r.sampleIndex(), r.position())
          : TokenDraw.argmax(scores, b * vocab, vocab);
      if (t < 0) {
        throw new IllegalStateException("every token of row " + b + " was filtered out (check bad/allowed token ids)");
      }
      tokens[b] = t;
      lp[b] = logProbs[b * vocab + t];
      r.append(t);
    }
    return new Step(tokens, lp);
  }
}
