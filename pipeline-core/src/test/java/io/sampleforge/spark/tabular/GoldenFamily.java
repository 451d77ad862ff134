package io.sampleforge.spark.tabular;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** golden/family_*.csv: per-row all-class neighbour facts from scikit-learn / imbalanced-learn (make_golden_family.py). */
final class GoldenFamily {
  /** One raised-class row. */
  record Entry(long row, String label, int other10, boolean danger, int other5, int adasynN, double dall5,
      boolean tie10, boolean tie5) {}

  private GoldenFamily() {}

  static Map<Long, Entry> read(String stem) {
    Map<Long, Entry> out = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        GoldenFamily.class.getResourceAsStream("/golden/family_" + stem + ".csv"), StandardCharsets.UTF_8))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] c = line.split(",", -1);
        Entry e = new Entry(Long.parseLong(c[0]), c[1], Integer.parseInt(c[2]), c[3].equals("1"), Integer.parseInt(c[4]),
            Integer.parseInt(c[5]), Double.parseDouble(c[6]), c[7].equals("1"), c[8].equals("1"));
        out.put(e.row(), e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
