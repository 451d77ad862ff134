package io.sampleforge.coreset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark main for bench/coreset: the in-memory coreset kernel (the same arithmetic as the Spark stage).
 *
 * <pre>
 *   samples CSV OUT.csv SCORES.csv METHODS MS SEEDS   scores once per method (p = 1), then Poisson draws for
 *                                                      every (m, seed): rows "method,m,seed,row,weight"
 *   kernel CSV METHOD REPEATS                          median seconds of the scores alone (data in memory)
 * </pre>
 * CSV: a header and numeric columns only; record keys are the row indices (hashed), as with an id column.
 */
public final class CoresetBench {
  private CoresetBench() {}

  public static void main(String[] args) throws IOException {
    double[][] a = read(Path.of(args[1]));
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < a[0].length; j++) {
      cols.add("c" + j);
    }
    long[] keys = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      keys[i] = io.sampleforge.random.Hash64.mix(i);
    }
    if (args[0].equals("kernel")) {
      int repeats = Integer.parseInt(args[3]);
      double[] t = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        double[] s = Coresets.scores(a, Coresets.scoring(a, settings(cols, args[2], 100, 1)));
        t[r] = (System.nanoTime() - start) / 1e9;
        if (s.length != a.length) {
          throw new IllegalStateException();
        }
      }
      Arrays.sort(t);
      System.out.printf(Locale.ROOT, "kernel_s=%.4f rows=%d d=%d%n", t[repeats / 2], a.length, a[0].length);
      return;
    }
    String[] methods = args[4].split(",");
    long[] ms = Arrays.stream(args[5].split(",")).mapToLong(Long::parseLong).toArray();
    int seeds = Integer.parseInt(args[6]);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])));
         PrintWriter sc = new PrintWriter(Files.newBufferedWriter(Path.of(args[3])))) {
      out.println("method,m,seed,row,weight");
      sc.println("method,row,score");
      for (String method : methods) {
        double[] scores = Coresets.scores(a, Coresets.scoring(a, settings(cols, method, 100, 1)));
        for (int i = 0; i < scores.length; i++) {
          sc.printf(Locale.ROOT, "%s,%d,%.17g%n", method, i, scores[i]);
        }
        for (long m : ms) {
          for (int seed = 0; seed < seeds; seed++) {
            CoresetSample s = Coresets.draw(keys, scores, settings(cols, method, m, seed));
            for (int t = 0; t < s.size(); t++) {
              out.printf(Locale.ROOT, "%s,%d,%d,%d,%.17g%n", method, m, seed, s.rows()[t], s.weights()[t]);
            }
          }
        }
      }
    }
  }

  private static CoresetSettings settings(List<String> cols, String method, long m, long seed) {
    return new CoresetSettings(cols, null, CoresetMethod.parse(method), 1.0, m, CoresetSampling.POISSON, seed, null, 200, 1e-10);
  }

  static double[][] read(Path csv) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(csv)) {
      r.readLine();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",");
        double[] v = new double[f.length];
        for (int j = 0; j < f.length; j++) {
          v[j] = Double.parseDouble(f[j]);
        }
        rows.add(v);
      }
    }
    return rows.toArray(new double[0][]);
  }
}
