package io.sampleforge.spark.neighbors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** golden/knn_*.csv: scikit-learn's exact same-class neighbour distances per row (make_golden.py). */
public final class GoldenNeighbors {
  private GoldenNeighbors() {}

  /** row index -> ascending distances to its k nearest same-class rows (itself excluded). */
  public static Map<Long, double[]> read(String stem) {
    Map<Long, double[]> out = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        GoldenNeighbors.class.getResourceAsStream("/golden/knn_" + stem + ".csv"), StandardCharsets.UTF_8))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] c = line.split(",", -1);
        int n = 0;
        double[] d = new double[c.length - 2];
        for (int i = 2; i < c.length; i++) {
          if (!c[i].isEmpty()) {
            d[n++] = Double.parseDouble(c[i]);
          }
        }
        out.put(Long.parseLong(c[0]), java.util.Arrays.copyOf(d, n));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
