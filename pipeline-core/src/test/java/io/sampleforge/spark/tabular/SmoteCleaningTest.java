package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;
import io.sampleforge.spark.MlbenchData;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.tabular.ClassPlan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ENN and Tomek-link cleaning: on the input alone it keeps exactly the rows imbalanced-learn 0.10
 * keeps (golden/clean_*.csv, rows whose neighbour sets hinge on distance ties skipped); after SMOTE
 * it removes exactly the rows an independent brute-force search over the uncleaned output flags.
 */
class SmoteCleaningTest extends LocalSparkTest {

  private static Map<Long, boolean[]> golden(String stem, boolean enn) throws Exception {
    Map<Long, boolean[]> out = new HashMap<>(); // row -> {keep, tie}
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        SmoteCleaningTest.class.getResourceAsStream("/golden/clean_" + stem + ".csv"), StandardCharsets.UTF_8))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] c = line.split(",");
        out.put(Long.parseLong(c[0]), new boolean[] {c[enn ? 1 : 2].equals("1"), c[enn ? 3 : 4].equals("1")});
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {4}")
  @CsvSource(delimiter = ';', value = {
      "PimaIndiansDiabetes;diabetes;;neg:500,pos:268;enn",
      "PimaIndiansDiabetes;diabetes;;neg:500,pos:268;tomek",
      "Satellite;classes;damp grey soil;damp grey soil:626,rest:5809;enn",
      "Satellite;classes;damp grey soil;damp grey soil:626,rest:5809;tomek"})
  void cleaningTheInputKeepsWhatImblearnKeeps(String stem, String label, String positive, String strategy, String clean)
      throws Exception {
    MlbenchData d = MlbenchData.read(stem, label, positive);
    SmoteResult result = new Smote().setLabelCol(label).setFeatureCols(d.featureColumns()).setIdCol("row")
        .setSamplingStrategy(strategy).setClean(clean).setBlockRows(500).run(d.frame(spark, 3));
    Set<Long> kept = new HashSet<>();
    for (Row r : result.output().select(col("row")).collectAsList()) {
      assertTrue(kept.add(r.getLong(0)), "row " + r.getLong(0) + " written twice");
    }
    Map<Long, boolean[]> golden = golden(stem, clean.equals("enn"));
    int checked = 0;
    for (Map.Entry<Long, boolean[]> e : golden.entrySet()) {
      if (e.getValue()[1]) {
        continue;
      }
      checked++;
      assertEquals(e.getValue()[0], kept.contains(e.getKey()), clean + " keeps row " + e.getKey() + " per imblearn");
    }
    assertTrue(checked > 0.95 * golden.size(), "tie rows skipped: " + (golden.size() - checked));
    long removed = result.plans().stream().mapToLong(ClassPlan::removedByCleaning).sum();
    assertEquals(d.labels.size() - kept.size(), removed, "removed rows are reported per class");
    assertTrue(removed > 0, "the check has power only if something is removed");
    result.release();
  }

  @ParameterizedTest(name = "smote + {0}")
  @CsvSource({"enn", "tomek"})
  void cleaningAfterSmoteRemovesExactlyTheFlaggedRows(String clean) {
    MlbenchData d = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
    String[] f = d.featureColumns();
    Smote smote = new Smote().setLabelCol("diabetes").setFeatureCols(f).setIdCol("row").setSeed(9).setBlockRows(200);
    List<Row> before = smote.transform(d.frame(spark, 2)).collectAsList();
    SmoteResult cleaned = smote.setClean(clean).run(d.frame(spark, 4));
    Map<String, Integer> after = new HashMap<>();
    cleaned.output().collectAsList().forEach(r -> after.merge(r.toString(), 1, Integer::sum));
    int n = before.size();
    double[][] x = new double[n][f.length];
    String[] y = new String[n];
    for (int i = 0; i < n; i++) {
      Row r = before.get(i);
      for (int j = 0; j < f.length; j++) {
        x[i][j] = r.getDouble(r.fieldIndex(f[j]));
      }
      y[i] = r.getString(r.fieldIndex("diabetes"));
    }
    int[][] nearest = new int[n][];
    boolean[] tie = new boolean[n];
    int k = clean.equals("enn") ? 3 : 1;
    for (int i = 0; i < n; i++) {
      double[] dist = new double[n];
      Integer[] order = new Integer[n];
      for (int o = 0; o < n; o++) {
        double s = 0;
        for (int j = 0; j < f.length; j++) {
          s += (x[i][j] - x[o][j]) * (x[i][j] - x[o][j]);
        }
        dist[o] = o == i ? Double.POSITIVE_INFINITY : s;
        order[o] = o;
      }
      java.util.Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
      nearest[i] = new int[k];
      for (int t = 0; t < k; t++) {
        nearest[i][t] = order[t];
      }
      tie[i] = dist[order[k - 1]] == dist[order[k]];
    }
    int checked = 0;
    int flaggedCount = 0;
    Map<String, Integer> expected = new HashMap<>();
    boolean[] skip = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean flagged;
      if (k == 3) {
        skip[i] = tie[i];
        flagged = !y[nearest[i][0]].equals(y[i]) || !y[nearest[i][1]].equals(y[i]) || !y[nearest[i][2]].equals(y[i]);
      } else {
        int m = nearest[i][0];
        skip[i] = tie[i] || tie[m];
        flagged = !y[m].equals(y[i]) && nearest[m][0] == i;
      }
      String key = before.get(i).toString();
      if (skip[i]) {
        continue;
      }
      checked++;
      flaggedCount += flagged ? 1 : 0;
      boolean present = after.getOrDefault(key, 0) > 0;
      assertEquals(!flagged, present, clean + ": row " + key + " flagged=" + flagged);
    }
    assertTrue(checked > 0.95 * n, "tie rows skipped: " + (n - checked));
    assertTrue(flaggedCount > 0, "power: some rows must be flagged");
    long removed = cleaned.plans().stream().mapToLong(ClassPlan::removedByCleaning).sum();
    assertEquals(n - after.values().stream().mapToInt(Integer::intValue).sum(), removed);
    cleaned.release();
  }
}
