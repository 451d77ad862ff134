package io.sampleforge.subset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One executor's slice of a distributed GME selection: a contiguous range of the items (in id
 * order) as an {@link ItemCorpus}, with the selection state replicated from the stream of picks
 * ({@link #replay}): every shard applies every pick's values, so T, S and the counts of the values
 * its items hold equal the global ones, and the owner removes the picked item. {@link #best()}
 * returns the shard's best remaining candidate under the current state, to be reduced across shards
 * with (objective, shard, index) order. Cost: as {@link GreedyMaxEntropy} on the shard's items, plus
 * a hash lookup per picked value.
 */
public final class GmeShard implements AutoCloseable {
  /** A shard's best candidate: its index, exact objective and rounded entropies. */
  public record Candidate(int shard, int index, double objective, double[] entropies) {}

  private final int shard;
  private final ItemCorpus corpus;
  private final EntropyState state;
  private final FullScan scan;
  private final List<Map<String, Long>> selected = new ArrayList<>();
  private int applied;

  public GmeShard(int shard, ItemCorpus corpus, EntropySelector selector, int[] cardinalities, int threads) {
    this.shard = shard;
    this.corpus = corpus;
    this.state = new EntropyState(corpus, selector, cardinalities);
    this.scan = new FullScan(state, threads);
    for (int j = 0; j < corpus.columns(); j++) {
      selected.add(new HashMap<>());
    }
  }

  /** Number of picks applied so far. */
  public int applied() {
    return applied;
  }

  public ItemCorpus corpus() {
    return corpus;
  }

  /** Applies pick number {@link #applied()} (picks must come in order). */
  public void replay(PickedItem pick) {
    if (pick.shard() == shard) {
      state.markRemoved(pick.index());
    }
    for (int j = 0; j < corpus.columns(); j++) {
      String[] values = pick.values()[j];
      int[] mult = pick.multiplicities()[j];
      Map<String, Long> counts = selected.get(j);
      for (int i = 0; i < values.length; i++) {
        long before = counts.getOrDefault(values[i], 0L);
        state.applyValue(j, corpus.valueId(j, values[i]), before, mult[i]);
        counts.put(values[i], before + mult[i]);
      }
    }
    applied++;
  }

  /** The best remaining item of this shard (ties to the smaller index), or null when none remains. */
  public Candidate best() {
    if (state.remaining == 0) {
      return null;
    }
    state.prepareStep();
    int d = scan.best();
    double[] h = new double[corpus.columns()];
    double objective = state.score(d, h, new double[corpus.columns()]);
    return new Candidate(shard, d, objective, h);
  }

  /** The pick record of local item d, to broadcast to every shard. */
  public PickedItem picked(int d) {
    String[][] values = new String[corpus.columns()][];
    int[][] mult = new int[corpus.columns()][];
    for (int j = 0; j < corpus.columns(); j++) {
      values[j] = corpus.values(j, d);
      mult[j] = corpus.multiplicities(j, d);
    }
    return new PickedItem(shard, d, values, mult);
  }

  /** True when candidate a beats b: better objective, else the earlier (shard, index). */
  public static boolean beats(Candidate a, Candidate b, EntropySelector selector) {
    if (b == null) {
      return true;
    }
    if (a.objective() != b.objective()) {
      return selector.minimises() ? a.objective() < b.objective() : a.objective() > b.objective();
    }
    return a.shard() != b.shard() ? a.shard() < b.shard() : a.index() < b.index();
  }

  @Override
  public void close() {
    scan.close();
  }
}
