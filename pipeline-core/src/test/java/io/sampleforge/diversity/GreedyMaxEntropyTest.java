package io.sampleforge.diversity;

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

  /** Each step's drawn candidate set is a uniform subset: every item is drawn with probability m/L. */
  @Test
  void candidateDrawIsUniform() {
    int items = 200;
    int m = 20;
    ItemCorpusBuilder b = new ItemCorpusBuilder(1, true);
    for (int d = 0; d < items; d++) {
      b.add(d * 7919L, List.of(List.of("v" + d)));
    }
    ItemCorpus corpus = b.build();
    CandidateDraw draw = new CandidateDraw(3, 0);
    boolean[] removed = new boolean[items];
    int[] hits = new int[items];
    int steps = 4000;
    for (int s = 0; s < steps; s++) {
      int[] got = draw.draw(s, corpus, removed, items, m);
      assertEquals(m, got.length);
      assertEquals(m, Arrays.stream(got).distinct().count());
      for (int d : got) {
        hits[d]++;
      }
    }
    double expected = steps * (double) m / items;
    double chi2 = 0;
    for (int h : hits) {
      chi2 += (h - expected) * (h - expected) / expected;
    }
    // 199 degrees of freedom: the 0.999 quantile is about 268.
    assertTrue(chi2 < 268, "chi-square " + chi2);
    // power: always drawing the 20 smallest indices is rejected by the same statistic.
    double biased = 0;
    for (int d = 0; d < items; d++) {
      double h = d < m ? steps : 0;
      biased += (h - expected) * (h - expected) / expected;
    }
    assertTrue(biased > 268);
  }

  @Test
  void quickselectFindsOrderStatistics() {
    KeyedStream s = KeyedStream.of(1, "qs", 2);
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
    KeyedStream s = KeyedStream.of(seed, "gme-test", columns);
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
