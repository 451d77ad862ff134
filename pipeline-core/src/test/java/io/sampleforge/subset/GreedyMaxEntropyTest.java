package io.sampleforge.subset;

import io.sampleforge.random.TestStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.random.KeyedStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GreedyMaxEntropyTest {

  /** The reference's own test: lotus_sample.tsv, dutopia, counts, N=10 -> its expected ids and entropies. */
  @Test
  void lotusSampleMatchesTheReferenceExactly() throws IOException {
    List<String[]> rows = tsv("/gme/lotus_sample.tsv");
    String[] header = rows.remove(0);
    int item = indexOf(header, "reference_doi");
    int[] on = {indexOf(header, "structure_wikidata"), indexOf(header, "organism_wikidata")};
    Map<String, List<List<String>>> byItem = new TreeMap<>();
    for (String[] r : rows) {
      List<List<String>> cols = byItem.computeIfAbsent(r[item], k -> List.of(new ArrayList<>(), new ArrayList<>()));
      for (int j = 0; j < on.length; j++) {
        cols.get(j).add(r[on[j]]);
      }
    }
    ItemCorpusBuilder b = new ItemCorpusBuilder(2, false);
    List<String> ids = new ArrayList<>(byItem.keySet());
    byItem.forEach((id, cols) -> b.add(id.hashCode(), cols));
    ItemCorpus corpus = b.build();
    GmeRanking ranking;
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(corpus, EntropySelector.DUTOPIA, 0, 1, 0, 1)) {
      ranking = gme.select(10, null);
    }
    List<String[]> expected = tsv("/gme/lotus_sample_expected_top10_dutopia_counts.tsv");
    expected.remove(0);
    assertEquals(10, expected.size());
    for (int r = 0; r < 10; r++) {
      String[] e = expected.get(r);
      assertEquals(e[0], ids.get(ranking.items()[r]), "pick " + (r + 1));
      assertEquals(Double.parseDouble(e[1]), ranking.entropy(r, 0), 0.0, "H(structure) at pick " + (r + 1));
      assertEquals(Double.parseDouble(e[2]), ranking.entropy(r, 1), 0.0, "H(organism) at pick " + (r + 1));
    }
  }

  /** Exact property: the incremental kernel equals a from-scratch scorer on random skewed inputs. */
  @Test
  void equalsBruteForceOnRandomInputs() {
    int cases = 0;
    for (long seed = 1; seed <= 24; seed++) {
      for (EntropySelector selector : EntropySelector.values()) {
        boolean binarised = seed % 2 == 0;
        Input in = randomInput(seed, 40 + (int) (seed % 5) * 7, 1 + (int) (seed % 3));
        List<Object[]> oracle = ReferenceGme.run(in.items, in.cardinality, binarised, selector, in.items.length);
        GmeRanking got;
        try (GreedyMaxEntropy gme = new GreedyMaxEntropy(in.corpus(binarised), selector, 0, 0, 0, 1)) {
          got = gme.select(in.items.length, null);
        }
        for (int r = 0; r < oracle.size(); r++) {
          String where = "seed " + seed + " " + selector + " binarised=" + binarised + " pick " + r;
          assertEquals((int) oracle.get(r)[0], got.items()[r], where);
          double[] h = (double[]) oracle.get(r)[1];
          for (int j = 0; j < h.length; j++) {
            assertEquals(h[j], got.entropy(r, j), 0.0, where + " column " + j);
          }
          assertEquals((double) oracle.get(r)[2], got.objective()[r], 0.0, where + " objective");
        }
        cases++;
      }
    }
    assertEquals(48, cases);
  }

  /** Identical items score identically: the smallest index must win, for both selectors. */
  @Test
  void tiesGoToTheFirstItemInSortOrder() {
    ItemCorpusBuilder b = new ItemCorpusBuilder(1, false);
    b.add(1, List.of(List.of("a", "a")));
    b.add(2, List.of(List.of("b")));
    b.add(3, List.of(List.of("c")));
    b.add(4, List.of(List.of("b")));
    for (EntropySelector s : EntropySelector.values()) {
      try (GreedyMaxEntropy gme = new GreedyMaxEntropy(b.build(), s, 0, 0, 0, 1)) {
        GmeRanking r = gme.select(4, null);
        // first pick: a,a has H=0 like b and c; all tie -> item 0. Then b (index 1) and c tie -> 1, then c, then b again.
        assertArrayEquals(new int[] {0, 1, 2, 3}, r.items(), s.id());
      }
    }
  }

  @Test
  void allRanksEveryItemOnce() {
    Input in = randomInput(99, 300, 2);
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(in.corpus(true), EntropySelector.SUM, 0, 0, 0, 1)) {
      GmeRanking r = gme.select(in.items.length, null);
      assertEquals(in.items.length, Arrays.stream(r.items()).distinct().count());
      assertEquals(in.items.length, r.picks());
    }
  }

  /** Neither the screen nor the thread count may change any pick: compare with exact scoring of every item. */
  @Test
  void screenedThreadedScanEqualsExactScoring() {
    for (EntropySelector selector : EntropySelector.values()) {
      for (boolean binarised : new boolean[] {false, true}) {
        Input in = randomInput(binarised ? 7 : 8, 70_000, 2);
        Input in2 = in;
        GmeRanking pruned;
        GmeRanking full;
        try (GreedyMaxEntropy a = new GreedyMaxEntropy(in2.corpus(binarised), selector, 0, 0, 0, 3, true);
            GreedyMaxEntropy b = new GreedyMaxEntropy(in2.corpus(binarised), selector, 0, 0, 0, 1, false)) {
          pruned = a.select(150, null);
          full = b.select(150, null);
        }
        assertArrayEquals(full.items(), pruned.items(), selector + " binarised=" + binarised);
        assertArrayEquals(full.entropies(), pruned.entropies(), 0.0);
        assertArrayEquals(full.objective(), pruned.objective(), 0.0);
      }
    }
  }

  @Test
  void approximationIsReproducibleAndSeeded() {
    Input in = randomInput(11, 3000, 2);
    int[] a = approx(in, 100, 42, 5);
    int[] again = approx(in, 100, 42, 5);
    int[] otherSeed = approx(in, 100, 43, 5);
    int[] otherStratum = approx(in, 100, 42, 6);
    int[] exact = approx(in, 0, 42, 5);
    int[] wide = approx(in, 5000, 42, 5);
    assertArrayEquals(a, again);
    assertNotEquals(Arrays.toString(a), Arrays.toString(otherSeed));
    assertNotEquals(Arrays.toString(a), Arrays.toString(otherStratum));
    assertNotEquals(Arrays.toString(a), Arrays.toString(exact));
    assertArrayEquals(exact, wide, "m >= remaining items scores all of them, as the reference does");
  }

  /** One candidate draw per step: m distinct indices out of L. */
  @FunctionalInterface
  interface Sampler {
    int[] draw(int step);
  }

  private static final int DRAW_ITEMS = 200;
  private static final int DRAW_M = 20;
  /** Steps for the per-item statistic (cheap; enough for power against a 5 % key bias). */
  private static final int ITEM_STEPS = 20000;
  /** Steps for the pair statistic (each step counts m(m-1)/2 = 190 pairs). */
  private static final int PAIR_STEPS = 4000;
  /** 0.999 quantile of chi-square with 199 degrees of freedom (scipy.stats.chi2.ppf(0.999, 199) = 266.386). */
  private static final double CHI2_199_999 = 266.386;
  /** Null replicates of the pair statistic; rejecting above all of them is a Monte Carlo test of size 1/200. */
  private static final int PAIR_NULL_REPLICATES = 199;

  /**
   * Per-item inclusion counts h_d over T steps of a uniform m-of-L draw without replacement: each
   * step's indicator vector has mean p = m/L and covariance p(1-p)·L/(L-1)·(I - 11'/L) (Cov(I_i, I_j)
   * = -p(1-p)/(L-1)), so X = (L-1)/(L·T·p(1-p)) Σ (h_d - Tp)² is asymptotically χ²(L-1). (The
   * multinomial Pearson statistic Σ (h-Tp)²/(Tp) used before has null mean L(1-p) = 180, not 199.)
   */
  static double itemStatistic(Sampler sampler) {
    int[] hits = new int[DRAW_ITEMS];
    for (int s = 0; s < ITEM_STEPS; s++) {
      for (int d : sampler.draw(s)) {
        hits[d]++;
      }
    }
    double p = (double) DRAW_M / DRAW_ITEMS;
    double expected = ITEM_STEPS * p;
    double sum = 0;
    for (int h : hits) {
      sum += (h - expected) * (h - expected);
    }
    return sum * (DRAW_ITEMS - 1) / (DRAW_ITEMS * ITEM_STEPS * p * (1 - p));
  }

  /**
   * Joint inclusion: Σ over all L(L-1)/2 pairs of (c_ij - Tq)²/(Tq), q = m(m-1)/(L(L-1)) the exact
   * probability that both are drawn. Its null law has no simple closed form (the pair indicators are
   * dependent), so it is calibrated by Monte Carlo against an exact uniform sampler.
   */
  static double pairStatistic(Sampler sampler) {
    int[] pairs = new int[DRAW_ITEMS * DRAW_ITEMS];
    for (int s = 0; s < PAIR_STEPS; s++) {
      int[] got = sampler.draw(s);
      for (int a = 0; a < got.length; a++) {
        for (int b = a + 1; b < got.length; b++) {
          int i = Math.min(got[a], got[b]);
          int j = Math.max(got[a], got[b]);
          pairs[i * DRAW_ITEMS + j]++;
        }
      }
    }
    double expected = PAIR_STEPS * (double) DRAW_M * (DRAW_M - 1) / ((double) DRAW_ITEMS * (DRAW_ITEMS - 1));
    double q = 0;
    for (int i = 0; i < DRAW_ITEMS; i++) {
      for (int j = i + 1; j < DRAW_ITEMS; j++) {
        double c = pairs[i * DRAW_ITEMS + j];
        q += (c - expected) * (c - expected) / expected;
      }
    }
    return q;
  }

  /** The test's own exact uniform sampler: a partial Fisher-Yates shuffle. */
  static Sampler uniformReference(long seed) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    return step -> {
      int[] perm = new int[DRAW_ITEMS];
      for (int i = 0; i < DRAW_ITEMS; i++) {
        perm[i] = i;
      }
      for (int i = 0; i < DRAW_M; i++) {
        int j = i + rnd.nextInt(DRAW_ITEMS - i);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      return Arrays.copyOf(perm, DRAW_M);
    };
  }

  /** A realistic defect: the m smallest uniform keys, with the odd items' keys 5 % too small. */
  static Sampler biasedKeys(long seed) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    return step -> {
      double[] key = new double[DRAW_ITEMS];
      Integer[] order = new Integer[DRAW_ITEMS];
      for (int d = 0; d < DRAW_ITEMS; d++) {
        key[d] = rnd.nextDouble() * (d % 2 == 1 ? 0.95 : 1.0);
        order[d] = d;
      }
      Arrays.sort(order, (x, y) -> Double.compare(key[x], key[y]));
      int[] out = new int[DRAW_M];
      for (int i = 0; i < DRAW_M; i++) {
        out[i] = order[i];
      }
      return out;
    };
  }

  /** A defect only joint inclusion shows: items drawn in fixed pairs (2k, 2k+1); every item's rate is still m/L. */
  static Sampler pairedItems(long seed) {
    Sampler half = uniformReference(seed);
    return step -> {
      int[] out = new int[DRAW_M];
      int o = 0;
      for (int d : half.draw(step)) {
        if (d < DRAW_ITEMS / 2 && o < DRAW_M) {
          out[o++] = 2 * d;
          out[o++] = 2 * d + 1;
        }
      }
      // top up with further pairs if fewer than m/2 of the draw fell below L/2
      for (int k = 0; o < DRAW_M; k++) {
        int d = (step + k) % (DRAW_ITEMS / 2);
        boolean present = false;
        for (int i = 0; i < o; i++) {
          present |= out[i] == 2 * d;
        }
        if (!present) {
          out[o++] = 2 * d;
          out[o++] = 2 * d + 1;
        }
      }
      return out;
    };
  }

  private static Sampler production(long seed) {
    ItemCorpusBuilder b = new ItemCorpusBuilder(1, true);
    for (int d = 0; d < DRAW_ITEMS; d++) {
      b.add(d * 7919L, List.of(List.of("v" + d)));
    }
    ItemCorpus corpus = b.build();
    CandidateDraw draw = new CandidateDraw(seed, 0);
    boolean[] removed = new boolean[DRAW_ITEMS];
    return step -> {
      int[] got = draw.draw(step, corpus, removed, DRAW_ITEMS, DRAW_M);
      assertEquals(DRAW_M, got.length);
      assertEquals(DRAW_M, Arrays.stream(got).distinct().count());
      return got;
    };
  }

  /**
   * Each step's drawn candidate set is a uniform m-subset, checked on per-item inclusion (corrected
   * χ²(199) statistic, size 0.001 asymptotically) and on joint inclusion of pairs (Monte Carlo test
   * against 199 exact uniform replicates, size 1/200 = 0.005): false-alarm rate at most 0.006 for a
   * correct sampler. Power is measured in the same test on 10 seeds of two defective samplers
   * (5 %-biased keys; fixed pairs with exact per-item rates), and must be 10/10 for each.
   */
  @Test
  void candidateDrawIsUniform() {
    double[] nullPairs = new double[PAIR_NULL_REPLICATES];
    for (int r = 0; r < PAIR_NULL_REPLICATES; r++) {
      nullPairs[r] = pairStatistic(uniformReference(1000 + r));
    }
    double pairLimit = Arrays.stream(nullPairs).max().orElseThrow();
    // calibration: on 40 exact uniform samplers the corrected statistic averages 199 (sd of the mean
    // sqrt(2·199/40) = 3.2); the uncorrected Pearson statistic would average L(1-p) = 180
    double nullMean = 0;
    for (int r = 0; r < 40; r++) {
      nullMean += itemStatistic(uniformReference(5000 + r)) / 40;
    }
    assertEquals(DRAW_ITEMS - 1, nullMean, 4 * Math.sqrt(2.0 * (DRAW_ITEMS - 1) / 40), "null mean of the corrected statistic");
    double item = itemStatistic(production(3));
    double pair = pairStatistic(production(3));
    assertTrue(item < CHI2_199_999, "per-item inclusion: corrected chi-square " + item + " >= " + CHI2_199_999);
    assertTrue(pair < pairLimit, "joint inclusion: pair statistic " + pair + " above all " + PAIR_NULL_REPLICATES
        + " uniform replicates (max " + pairLimit + ")");
    int biasedRejected = 0;
    int pairedRejected = 0;
    int pairedItemRejected = 0;
    for (long seed = 1; seed <= 10; seed++) {
      biasedRejected += itemStatistic(biasedKeys(seed)) >= CHI2_199_999 || pairStatistic(biasedKeys(seed)) >= pairLimit ? 1 : 0;
      pairedRejected += pairStatistic(pairedItems(seed)) >= pairLimit ? 1 : 0;
      pairedItemRejected += itemStatistic(pairedItems(seed)) >= CHI2_199_999 ? 1 : 0;
    }
    System.out.printf("candidateDrawIsUniform: null mean %.1f; item %.1f (limit %.1f), pair %.1f (limit %.1f); power: 5%%-biased keys %d/10,"
        + " fixed pairs %d/10 (per-item test alone %d/10)%n", nullMean, item, CHI2_199_999, pair, pairLimit, biasedRejected,
        pairedRejected, pairedItemRejected);
    assertEquals(10, biasedRejected, "power against 5 %-biased keys");
    assertEquals(10, pairedRejected, "power of the pair statistic against fixed pairs");
  }

  @Test
  void quickselectFindsOrderStatistics() {
    KeyedStream s = TestStreams.of(1, "qs", 2);
    for (int n = 1; n < 300; n += 17) {
      long[] a = new long[n];
      for (int i = 0; i < n; i++) {
        a[i] = s.bits(i) % 50;
      }
      long[] sorted = a.clone();
      Arrays.sort(sorted);
      for (int k = 0; k < n; k += 3) {
        assertEquals(sorted[k], CandidateDraw.select(a.clone(), k));
      }
    }
  }

  private static int[] approx(Input in, int m, long seed, long stratum) {
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(in.corpus(true), EntropySelector.DUTOPIA, m, seed, stratum, 1)) {
      return gme.select(30, null).items();
    }
  }

  record Input(int[][][] items, int[] cardinality) {
    ItemCorpus corpus(boolean binarised) {
      ItemCorpusBuilder b = new ItemCorpusBuilder(cardinality.length, binarised);
      for (int d = 0; d < items.length; d++) {
        List<List<String>> cols = new ArrayList<>();
        for (int[] vals : items[d]) {
          List<String> c = new ArrayList<>();
          for (int v : vals) {
            c.add("v" + v);
          }
          cols.add(c);
        }
        b.add(d, cols);
      }
      ItemCorpus c = b.build();
      for (int j = 0; j < cardinality.length; j++) {
        assertEquals(cardinality[j], c.cardinality(j));
      }
      return c;
    }
  }

  /** Skewed (Zipf-like) values, 1-5 relations per item; value ids renumbered to first-seen order. */
  static Input randomInput(long seed, int items, int columns) {
    KeyedStream s = TestStreams.of(seed, "gme-test", columns);
    long draw = 0;
    int[][][] out = new int[items][columns][];
    int[] vocab = new int[columns];
    for (int j = 0; j < columns; j++) {
      vocab[j] = 3 + (int) ((seed + 5L * j) % 11) + items / 50;
    }
    int relationsCap = 5;
    for (int d = 0; d < items; d++) {
      int rel = 1 + s.nextIndex(draw++, relationsCap);
      for (int j = 0; j < columns; j++) {
        out[d][j] = new int[rel];
        for (int r = 0; r < rel; r++) {
          double u = s.uniform(draw++);
          out[d][j][r] = (int) Math.min(vocab[j] - 1, Math.floor(vocab[j] * u * u * u));
        }
      }
    }
    // renumber to first-seen order and count distinct values actually present
    int[] cardinality = new int[columns];
    for (int j = 0; j < columns; j++) {
      Map<Integer, Integer> ids = new java.util.HashMap<>();
      for (int d = 0; d < items; d++) {
        for (int r = 0; r < out[d][j].length; r++) {
          int v = out[d][j][r];
          out[d][j][r] = ids.computeIfAbsent(v, k -> ids.size());
        }
      }
      cardinality[j] = ids.size();
    }
    return new Input(out, cardinality);
  }

  private static int indexOf(String[] header, String name) {
    int i = Arrays.asList(header).indexOf(name);
    assertTrue(i >= 0, name);
    return i;
  }

  static List<String[]> tsv(String resource) throws IOException {
    try (InputStream in = GreedyMaxEntropyTest.class.getResourceAsStream(resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String[]> rows = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          rows.add(line.split("\t", -1));
        }
      }
      return rows;
    }
  }
}
