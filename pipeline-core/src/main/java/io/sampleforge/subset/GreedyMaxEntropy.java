package io.sampleforge.subset;

/**
 * Greedy maximum-entropy (GME) selection, after Delmas et al. 2023 ("Relation Extraction in
 * underexplored biomedical domains: a diversity-optimised sampling and synthetic data generation
 * approach"; reference code idiap/gme-sampler, whose semantics this follows exactly: per-column
 * Shannon entropies in nats rounded to 5 decimals with numpy's rint rule, the {@link
 * EntropySelector} objective summed in numpy's order, ties to the first remaining item in sort
 * order, optional seeded candidate subsets).
 *
 * <p>Unlike the reference, which recomputes every candidate's entropy from the full count vectors
 * (O(items x vocabulary) per pick), this kernel scores a candidate in O(columns) from incremental
 * sums ({@link EntropyState}: H = ln(T+t) - (S+Delta)/(T+t)), updates only the candidates sharing a
 * value with the pick, and screens candidates with a cheap bound before the exact arithmetic
 * ({@link FullScan}, split over threads). Cost per pick: O(items x columns) screening plus the
 * postings of the picked item's values; with m candidates, O(items) for the draw plus O(m x
 * columns). Memory: {@link ItemCorpus} plus about
 * 10 bytes per item and column and 8 bytes per distinct value.
 */
public final class GreedyMaxEntropy implements AutoCloseable {

  /** Receives progress after each pick. */
  @FunctionalInterface
  public interface Progress {
    void picked(int done, int total);
  }

  private final ItemCorpus corpus;
  private final int candidates;
  private final CandidateDraw draw;
  private final EntropyState state;
  private final FullScan exact;
  private long scoringNanos;
  private long updateNanos;

  /**
   * @param candidates 0 for the exact sampler, else the number m of candidates scored per step
   * @param seed the job seed (keys the candidate draws)
   * @param stratumKey a stable key of the stratum (keys the candidate draws)
   * @param threads scoring threads for the exact scan (1 = the calling thread only)
   */
  public GreedyMaxEntropy(ItemCorpus corpus, EntropySelector selector, int candidates, long seed, long stratumKey,
      int threads) {
    this(corpus, selector, candidates, seed, stratumKey, threads, true);
  }

  /** With {@code screen} false the exact step scores every remaining item exactly (the test oracle for the screen). */
  GreedyMaxEntropy(ItemCorpus corpus, EntropySelector selector, int candidates, long seed, long stratumKey,
      int threads, boolean screen) {
    if (candidates < 0) {
      throw new IllegalArgumentException("candidates must be >= 0, got " + candidates);
    }
    this.corpus = corpus;
    this.candidates = candidates;
    this.draw = new CandidateDraw(seed, stratumKey);
    this.state = new EntropyState(corpus, selector);
    this.exact = screen ? new FullScan(state, threads) : null;
  }

  /** Selects {@code picks} items (at most the number of items) greedily. */
  public GmeRanking select(int picks, Progress progress) {
    if (picks < 0 || picks > corpus.items()) {
      throw new IllegalArgumentException("picks must be in [0, " + corpus.items() + "], got " + picks);
    }
    int cols = state.cols;
    int[] items = new int[picks];
    double[] entropies = new double[picks * cols];
    double[] objective = new double[picks];
    boolean[] decreased = new boolean[picks];
    double[] previous = new double[cols];
    double[] h = new double[cols];
    double[] squares = new double[cols];
    for (int r = 0; r < picks; r++) {
      long t0 = System.nanoTime();
      state.prepareStep();
      int best = candidates > 0 && candidates < state.remaining
          ? bestOf(draw.draw(r, corpus, state.removed, state.remaining, candidates), h, squares)
          : exact != null ? exact.best() : bestOf(remainingItems(), h, squares);
      long t1 = System.nanoTime();
      scoringNanos += t1 - t0;
      objective[r] = state.score(best, h, squares);
      items[r] = best;
      for (int j = 0; j < cols; j++) {
        entropies[r * cols + j] = h[j];
        decreased[r] |= h[j] < previous[j];
      }
      System.arraycopy(h, 0, previous, 0, cols);
      state.apply(best);
      updateNanos += System.nanoTime() - t1;
      if (progress != null) {
        progress.picked(r + 1, picks);
      }
    }
    return new GmeRanking(cols, items, entropies, objective, decreased);
  }

  private int[] remainingItems() {
    int[] out = new int[state.remaining];
    int o = 0;
    for (int d = 0; d < corpus.items(); d++) {
      if (!state.removed[d]) {
        out[o++] = d;
      }
    }
    return out;
  }

  /** The best of the drawn candidates (ascending indices; the first wins ties). */
  private int bestOf(int[] drawn, double[] h, double[] squares) {
    int best = -1;
    double bestValue = 0;
    for (int d : drawn) {
      double v = state.score(d, h, squares);
      if (best < 0 || state.better(v, bestValue)) {
        best = d;
        bestValue = v;
      }
    }
    return best;
  }

  /** Seconds spent finding the best candidate so far. */
  public double scoringSeconds() {
    return scoringNanos / 1e9;
  }

  /** Seconds spent updating counts and candidate Deltas so far. */
  public double updateSeconds() {
    return updateNanos / 1e9;
  }

  @Override
  public void close() {
    if (exact != null) {
      exact.close();
    }
  }
}
