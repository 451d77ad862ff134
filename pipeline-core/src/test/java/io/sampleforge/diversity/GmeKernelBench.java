package io.sampleforge.diversity;

import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark (not a test) of the GME kernel alone on a generated skewed catalogue: items with on
 * average {@code relations/items} relations each, two attribute columns with Zipf-like values.
 * Prints a table row per (items, picks): build seconds, select seconds, picks/s.
 * Usage: GmeKernelBench items relations picks threads [selector] [binarised]
 */
public final class GmeKernelBench {
  private GmeKernelBench() {}

  public static void main(String[] args) {
    int items = Integer.parseInt(args[0]);
    long relations = Long.parseLong(args[1]);
    int picks = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    EntropySelector selector = EntropySelector.parse(args.length > 4 ? args[4] : "dutopia");
    boolean binarised = args.length > 5 && Boolean.parseBoolean(args[5]);
    long t0 = System.nanoTime();
    ItemCorpus corpus = catalogue(items, relations, binarised, 1);
    long t1 = System.nanoTime();
    GmeRanking r;
    double scoring;
    double update;
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(corpus, selector, 0, 1, 0, threads)) {
      r = gme.select(picks, null);
      scoring = gme.scoringSeconds();
      update = gme.updateSeconds();
    }
    long t2 = System.nanoTime();
    double select = (t2 - t1) / 1e9;
    System.out.printf("%-10s %-12s %-8s %-8s %-10s %-10s %-10s %-10s %-10s %s%n", "items", "relations", "picks", "threads",
        "build_s", "select_s", "score_s", "update_s", "picks/s", "H_last");
    System.out.printf("%-10d %-12d %-8d %-8d %-10.2f %-10.2f %-10.2f %-10.2f %-10.1f %s%n", items, relations, picks,
        threads, (t1 - t0) / 1e9, select, scoring, update, picks / select, r.picks() == 0 ? "" : r.entropy(r.picks() - 1, 0) + "," + r.entropy(r.picks() - 1, 1));
  }

  /** Relations per item ~ 1 + uniform integer in [0, 2*(relations/items) - 1); column values u^3-skewed. */
  static ItemCorpus catalogue(int items, long relations, boolean binarised, long seed) {
    KeyedStream s = KeyedStream.of(seed, "gme-bench", items);
    int mean = (int) Math.max(1, relations / items);
    int vocabA = Math.max(10, items / 4);
    int vocabB = Math.max(10, items / 40);
    ItemCorpusBuilder b = new ItemCorpusBuilder(2, binarised);
    long draw = 0;
    for (int d = 0; d < items; d++) {
      int rel = 1 + s.nextIndex(draw++, 2 * mean - 1);
      List<String> a = new ArrayList<>(rel);
      List<String> o = new ArrayList<>(rel);
      for (int k = 0; k < rel; k++) {
        double u = s.uniform(draw++);
        double w = s.uniform(draw++);
        a.add(Integer.toString((int) (vocabA * u * u * u)));
        o.add(Integer.toString((int) (vocabB * w * w * w)));
      }
      b.add(d, List.of(a, o));
    }
    return b.build();
  }
}
