package io.sampleforge.diffusion.discrete;

import io.sampleforge.text.ToyGrammar;

/**
 * The toy grammar's recogniser as a reward: 1 when the decoded words ({@link TokenText}, skipped
 * ids dropped) form a sentence of {@link ToyGrammar} (exact, with agreement and the final period),
 * else 0. Cost: ToyGrammar#grammatical's, O(L^2).
 */
public final class GrammarReward implements SequenceReward {
  private static final long serialVersionUID = 1L;
  private final ToyGrammar grammar;
  private final TokenText text;

  public GrammarReward(ToyGrammar grammar, TokenText text) {
    this.grammar = grammar;
    this.text = text;
  }

  @Override
  public double reward(int[] tokens) {
    return grammar.grammatical(text.words(tokens)) ? 1 : 0;
  }
}
