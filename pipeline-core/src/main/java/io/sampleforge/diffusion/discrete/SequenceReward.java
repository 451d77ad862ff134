package io.sampleforge.diffusion.discrete;

import java.io.Serializable;

/**
 * A reward r(x) of a whole token sequence, for reward-guided decoding ({@link SvddSampler}): larger
 * is better; it must be finite and deterministic (a function of the tokens only). Implementations:
 * {@link RegexReward}, {@link LengthReward}, {@link GrammarReward}. Serializable so a job can ship it
 * to executors. Cost: the implementation's, once per candidate per reranked step.
 */
@FunctionalInterface
public interface SequenceReward extends Serializable {
  double reward(int[] tokens);
}
