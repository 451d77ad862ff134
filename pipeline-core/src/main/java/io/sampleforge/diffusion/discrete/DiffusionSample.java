package io.sampleforge.diffusion.discrete;

/**
 * One sampled sequence: its tokens (positions still masked at the end hold the mask id, which only
 * the ancestral sampler without noise removal can leave), the model calls (NFE) that included it,
 * and the calls its cache saved.
 */
public record DiffusionSample(int[] tokens, int modelCalls, int cacheHits) {
  public DiffusionSample {
    tokens = tokens.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
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
