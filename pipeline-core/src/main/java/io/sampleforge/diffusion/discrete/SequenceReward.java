package io.sampleforge.diffusion.discrete;

import java.io.Serializable;

/**
 * A reward r(x) of a whole token sequence, for reward-guided decoding ({@link SvddSampler}): larger
 * is better; it must be finite and deterministic (a function of the tokens only). Implementations:
 * {@link RegexReward}, {@link LengthReward}, {@link GrammarReward}, and a learned scorer
 * (io.sampleforge.model.TorchScriptScorer). Serializable so a job can ship it to executors. Cost:
 * the implementation's, once per candidate per reranked step; {@link SvddSampler} asks for one
 * step's candidates of the whole batch in one {@link #rewards} call.
 */
@FunctionalInterface
public interface SequenceReward extends Serializable {
  double reward(int[] tokens);

  /**
   * The rewards of several sequences: {@code rewards(rows)[i]} is {@code reward(rows[i])} (a model
   * may differ from its one-row score by float rounding). This default loops; a reward that runs a
   * model overrides it with one batched call. Implementations must not modify the rows.
   */
  default double[] rewards(int[][] tokens) {
    double[] out = new double[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = reward(tokens[i]);
    }
    return out;
  }
}
