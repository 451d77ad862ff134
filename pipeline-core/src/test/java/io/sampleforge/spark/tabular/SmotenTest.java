package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMOTEN (all-categorical) on HouseVotes84 and Soybean against golden/smoten_*.csv
 * (make_golden_smoten.py, imbalanced-learn 0.10's own encoder, value difference metric, neighbour
 * search and mode): every synthetic row equals the row imbalanced-learn makes from the same parent
 * (rows whose neighbour set depends on distance ties: equal to the mode of one of the admissible
 * neighbour sets, recomputed here with imbalanced-learn's VDM), and per-class counts equal
 * imbalanced-learn's, on 19 classes for Soybean.
 */
class SmotenTest extends LocalSparkTest {

  private Dataset<Row> table(String stem, int partitions) {
    String path = getClass().getResource("/mlbench/" + stem + ".csv").getPath();
    return spark.read().option("header", "true").csv(path).coalesce(1)
        .withColumn("row", monotonically_increasing_id()).repartition(partitions);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HouseVotes84", "Soybean"})
  void syntheticRowsEqualImblearnsAndCountsMatch(String stem) throws Exception {
    Dataset<Row> input = table(stem, 3);
    String[] cats = Arrays.stream(input.columns()).filter(c -> !c.equals("Class") && !c.equals("row")).toArray(String[]::new);
    SmoteResult result = new Smote().setLabelCol("Class").setMethod("smoten").setCategoricalCols(cats).setIdCol("row")
        .setBlockRows(128).run(input);
    JsonNode after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        getClass().getResourceAsStream("/golden/smoten_summary.json")).get(stem).get("after");
    Map<String, Long> written = new HashMap<>();
    result.output().groupBy(col("Class")).count().collectAsList().forEach(r -> written.put(r.getString(0), r.getLong(1)));
    Map<String, Long> expected = new HashMap<>();
    after.fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asLong()));
    assertEquals(expected, written, "imblearn SMOTEN's counts");
    Map<Long, String[]> golden = new HashMap<>();
    String[] header;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/golden/smoten_" + stem + ".csv"), StandardCharsets.UTF_8))) {
      header = r.readLine().split(",", -1);
      String line;
      while ((line = r.readLine()) != null) {
        String[] c = line.split(",", -1);
        golden.put(Long.parseLong(c[0]), c);
      }
    }
    List<Row> synthetic = result.output().filter(col("is_synthetic")).collectAsList();
    Vdm vdm = Vdm.read(stem);
    int exact = 0;
    int tied = 0;
    for (Row r : synthetic) {
      long parent = r.getLong(r.fieldIndex("parent_id"));
      String[] g = golden.get(parent);
      assertTrue(r.isNullAt(r.fieldIndex("neighbor_id")));
      List<String> got = new java.util.ArrayList<>();
      for (int j = 2; j < header.length; j++) {
        got.add(r.getString(r.fieldIndex(header[j])));
      }
      if (g[1].equals("1")) {
        // the neighbour set depends on tie-breaking: the row must be the mode of one admissible set
        tied++;
        java.util.Set<List<String>> admissible = vdm.admissibleModes((int) parent);
        assertTrue(admissible.contains(got), stem + " parent " + parent + ": " + got + " is none of the "
            + admissible.size() + " rows the tied neighbour sets give");
        continue;
      }
      exact++;
      for (int j = 2; j < header.length; j++) {
        assertEquals(g[j], got.get(j - 2), stem + " parent " + g[0] + " column " + header[j]);
      }
    }
    assertEquals(synthetic.size(), exact + tied);
    System.out.printf("%s: %d synthetic rows equal imblearn's, %d tied rows within the admissible set%n", stem, exact, tied);
    result.release();
  }

  /**
   * imbalanced-learn 0.10's SMOTEN pieces, written out for the tied rows: OrdinalEncoder (sorted
   * categories, "NA" an ordinary category), ValueDifferenceMetric(k=1, r=2) fitted on the whole
   * table (d(x, y) = Σ_f (Σ_c |P(c|x_f) - P(c|y_f)|)²), the 6 nearest same-class rows (the row itself
   * included) and the per-feature mode, smallest category on ties.
   */
  record Vdm(String[] labels, int[][] codes, List<List<String>> categories, double[][][] proba) {
    private static final int K = 5;

    static Vdm read(String stem) throws java.io.IOException {
      List<String[]> rows = new java.util.ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          SmotenTest.class.getResourceAsStream("/mlbench/" + stem + ".csv"), StandardCharsets.UTF_8))) {
        r.readLine();
        String line;
        while ((line = r.readLine()) != null) {
          String[] c = line.split(",", -1);
          for (int j = 0; j < c.length; j++) {
            c[j] = c[j].replaceAll("^\"|\"$", "");
          }
          rows.add(c);
        }
      }
      int features = rows.get(0).length - 1;
      String[] labels = rows.stream().map(c -> c[0]).toArray(String[]::new);
      List<String> classes = Arrays.stream(labels).distinct().sorted().toList();
      List<List<String>> categories = new java.util.ArrayList<>();
      int[][] codes = new int[rows.size()][features];
      double[][][] proba = new double[features][][];
      for (int f = 0; f < features; f++) {
        final int col = f + 1;
        List<String> cats = rows.stream().map(c -> c[col]).distinct().sorted().toList();
        categories.add(cats);
        double[][] count = new double[cats.size()][classes.size()];
        for (int i = 0; i < rows.size(); i++) {
          codes[i][f] = cats.indexOf(rows.get(i)[col]);
          count[codes[i][f]][classes.indexOf(labels[i])]++;
        }
        for (double[] byClass : count) {
          double total = Arrays.stream(byClass).sum();
          for (int c = 0; c < byClass.length; c++) {
            byClass[c] = total == 0 ? 0 : byClass[c] / total;
          }
        }
        proba[f] = count;
      }
      return new Vdm(labels, codes, categories, proba);
    }

    double distance(int a, int b) {
      double d = 0;
      for (int f = 0; f < codes[a].length; f++) {
        double l1 = 0;
        for (int c = 0; c < proba[f][0].length; c++) {
          l1 += Math.abs(proba[f][codes[a][f]][c] - proba[f][codes[b][f]][c]);
        }
        d += l1 * l1;
      }
      return d;
    }

    /** The synthetic rows (decoded) that some admissible choice of the 6 nearest rows gives. */
    java.util.Set<List<String>> admissibleModes(int row) {
      List<Integer> same = new java.util.ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i].equals(labels[row])) {
          same.add(i);
        }
      }
      double[] d = same.stream().mapToDouble(i -> distance(row, i)).toArray();
      double[] sorted = d.clone();
      Arrays.sort(sorted);
      double boundary = sorted[K];
      double tol = 1e-12 * (1 + boundary);
      List<Integer> certain = new java.util.ArrayList<>();
      List<Integer> atBoundary = new java.util.ArrayList<>();
      for (int p = 0; p < d.length; p++) {
        if (d[p] < boundary - tol) {
          certain.add(same.get(p));
        } else if (d[p] <= boundary + tol) {
          atBoundary.add(same.get(p));
        }
      }
      int need = K + 1 - certain.size();
      java.util.Set<List<String>> out = new java.util.HashSet<>();
      choose(atBoundary, need, 0, new java.util.ArrayList<>(certain), out, new int[] {200_000});
      return out;
    }

    private void choose(List<Integer> pool, int need, int from, List<Integer> chosen, java.util.Set<List<String>> out,
        int[] budget) {
      if (need == 0) {
        assertTrue(--budget[0] >= 0, "too many tied neighbour sets to enumerate");
        List<String> mode = new java.util.ArrayList<>();
        for (int f = 0; f < codes[0].length; f++) {
          int[] count = new int[categories.get(f).size()];
          int best = 0;
          for (int i : chosen) {
            count[codes[i][f]]++;
          }
          for (int v = 1; v < count.length; v++) {
            best = count[v] > count[best] ? v : best;
          }
          mode.add(categories.get(f).get(best));
        }
        out.add(mode);
        return;
      }
      for (int p = from; p <= pool.size() - need; p++) {
        chosen.add(pool.get(p));
        choose(pool, need - 1, p + 1, chosen, out, budget);
        chosen.remove(chosen.size() - 1);
      }
    }
  }
}
