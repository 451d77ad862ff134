package io.sampleforge.subset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Benchmark (not a test) of the GME kernel alone, no Spark. Two modes:
 * <pre>
 *   tsv FILE ITEM COL1,COL2,.. SELECTOR binarised|counts N OUT.tsv   (the reference's input and output format)
 *   synth ITEMS MEAN_RELATIONS VOCAB1,VOCAB2,.. N [THREADS]           (the synth-relations generator, skew 3, seed 42)
 * </pre>
 * Prints one line of key=value timings (build and select seconds, picks/s, scoring/update split).
 */
public final class GmeBench {
  private GmeBench() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("tsv")) {
      tsv(args);
    } else {
      synth(args);
    }
  }

  private static void tsv(String[] args) throws IOException {
    Path file = Path.of(args[1]);
    String item = args[2];
    List<String> cols = List.of(args[3].split(","));
    EntropySelector selector = EntropySelector.parse(args[4]);
    boolean binarised = args[5].equals("binarised");
    int n = Integer.parseInt(args[6]);
    long t0 = System.nanoTime();
    Map<String, List<List<String>>> byItem = new TreeMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> header = Arrays.asList(in.readLine().split("\t", -1));
      int itemIdx = header.indexOf(item);
      int[] idx = cols.stream().mapToInt(header::indexOf).toArray();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split("\t", -1);
        List<List<String>> v = byItem.computeIfAbsent(f[itemIdx], k -> {
          List<List<String>> l = new ArrayList<>();
          cols.forEach(c -> l.add(new ArrayList<>()));
          return l;
        });
        for (int j = 0; j < idx.length; j++) {
          v.get(j).add(f[idx[j]]);
        }
      }
    }
    ItemCorpusBuilder b = new ItemCorpusBuilder(cols.size(), binarised);
    List<String> ids = new ArrayList<>(byItem.keySet());
    byItem.forEach((id, v) -> b.add(id.hashCode(), v));
    ItemCorpus corpus = b.build();
    long t1 = System.nanoTime();
    GmeRanking r;
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(corpus, selector, 0, 42, 0, 1)) {
      r = gme.select(Math.min(n, corpus.items()), null);
    }
    long t2 = System.nanoTime();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[7]), StandardCharsets.UTF_8))) {
      out.println(item + "\t" + String.join("\t", cols));
      for (int p = 0; p < r.picks(); p++) {
        StringBuilder line = new StringBuilder(ids.get(r.items()[p]));
        for (int j = 0; j < cols.size(); j++) {
          line.append('\t').append(r.entropy(p, j));
        }
        out.println(line);
      }
    }
    System.out.printf(Locale.ROOT, "items=%d picks=%d build_s=%.3f select_s=%.3f%n", corpus.items(), r.picks(),
        (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  private static void synth(String[] args) {
    long items = Long.parseLong(args[1]);
    int mean = Integer.parseInt(args[2]);
    List<Integer> vocab = Arrays.stream(args[3].split(",")).map(Integer::valueOf).toList();
    int n = Integer.parseInt(args[4]);
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < vocab.size(); j++) {
      cols.add(j == 0 ? "brand" : j == 1 ? "category" : "c" + j);
    }
    RelationTable spec = new RelationTable(items, mean, cols, vocab, 3.0, 42);
    long t0 = System.nanoTime();
    ItemCorpusBuilder b = new ItemCorpusBuilder(cols.size(), false);
    long relations = 0;
    for (long i = 0; i < items; i++) {
      int rel = spec.relations(i);
      relations += rel;
      List<List<String>> v = new ArrayList<>();
      for (int j = 0; j < cols.size(); j++) {
        List<String> c = new ArrayList<>(rel);
        for (int k = 0; k < rel; k++) {
          c.add(spec.value(i, k, j));
        }
        v.add(c);
      }
      b.add(i, v);
    }
    ItemCorpus corpus = b.build();
    long t1 = System.nanoTime();
    double scoring;
    double update;
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(corpus, EntropySelector.DUTOPIA, 0, 42, 0, threads)) {
      gme.select(n, null);
      scoring = gme.scoringSeconds();
      update = gme.updateSeconds();
    }
    long t2 = System.nanoTime();
    double select = (t2 - t1) / 1e9;
    System.out.printf(Locale.ROOT, "items=%d relations=%d picks=%d threads=%d build_s=%.2f select_s=%.2f scoring_s=%.2f"
        + " update_s=%.2f picks_per_s=%.1f%n", items, relations, n, threads, (t1 - t0) / 1e9, select, scoring, update,
        n / select);
  }
}
