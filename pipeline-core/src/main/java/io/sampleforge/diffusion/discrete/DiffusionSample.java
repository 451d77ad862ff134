package io.sampleforge.diffusion.discrete;

/**
 * One sampled sequence: its tokens (positions still masked at the end hold the mask id, which only
 * the ancestral sampler without noise removal can leave), the model calls (NFE) that included it,
 * the calls its cache saved, and, for samplers that commit a variable number of tokens per model
 * call ({@link ParallelDecodingSampler}), the tokens committed in each of its steps (one entry per
 * model call, in order; empty for the other samplers, which use the three-argument constructor).
 */
public record DiffusionSample(int[] tokens, int modelCalls, int cacheHits, int[] commitsPerStep) {
  private static final int[] NONE = new int[0];

  public DiffusionSample {
    tokens = tokens.clone();
    commitsPerStep = commitsPerStep == null || commitsPerStep.length == 0 ? NONE : commitsPerStep.clone();
  }

  /** A sample without per-step commit counts ({@link #commitsPerStep()} is empty). */
  public DiffusionSample(int[] tokens, int modelCalls, int cacheHits) {
    this(tokens, modelCalls, cacheHits, NONE);
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  /** The tokens committed in each step, a copy; empty when the sampler does not report them. */
  @Override
  public int[] commitsPerStep() {
    return commitsPerStep.clone();
  }

  /** How many positions still hold {@code maskId}. */
  public int masked(int maskId) {
    int n = 0;
    for (int v : tokens) {
      if (v == maskId) {
        n++;
      }
    }
    return n;
  }
}
