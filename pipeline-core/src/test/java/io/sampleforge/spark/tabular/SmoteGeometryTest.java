package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;
import io.sampleforge.spark.MlbenchData;
import io.sampleforge.spark.neighbors.DistributedNeighbors;
import io.sampleforge.spark.neighbors.GoldenNeighbors;
import io.sampleforge.spark.neighbors.ResidentNeighbors;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Row-by-row geometry against scikit-learn's exact neighbours (golden/knn_*.csv): every synthetic
 * row lies on the segment from its parent towards one of the parent's k nearest same-class rows,
 * the neighbour is never the parent, children per parent follow the floor/remainder quota, and
 * the distributed neighbour search returns exactly sklearn's distances even when split into many
 * blocks.
 */
class SmoteGeometryTest extends LocalSparkTest {

  @ParameterizedTest(name = "{0} {2}")
  @CsvSource(delimiter = ';', value = {
      "PimaIndiansDiabetes;diabetes;auto;",
      "Satellite;classes;auto;damp grey soil",
      "LetterRecognition;lettr;0.3;Z",
      "Shuttle;Class;Bpv.Close:500,Fpv.Open:1000,Bpv.Open:100,Fpv.Close:300,High:9000;"})
  void syntheticRowsLieOnSegmentsToExactNeighbours(String stem, String label, String strategy, String positive) {
    MlbenchData d = MlbenchData.read(stem, label, positive);
    Map<Long, double[]> golden = GoldenNeighbors.read(stem);
    SmoteResult result = new Smote().setLabelCol(label).setFeatureCols(d.featureColumns()).setIdCol("row")
        .setSamplingStrategy(strategy).setSeed(7).setBlockRows(256).run(d.frame(spark, 3));
    List<Row> synthetic = result.output().filter(col("is_synthetic")).collectAsList();
    assertTrue(!synthetic.isEmpty());
    int dims = d.featureNames.size();
    Map<Long, Integer> childrenPerParent = new HashMap<>();
    java.util.Set<Long> syntheticIds = new java.util.HashSet<>();
    for (Row r : synthetic) {
      long parent = r.getLong(r.fieldIndex("parent_id"));
      long neighbor = r.getLong(r.fieldIndex("neighbor_id"));
      String cls = r.getString(r.fieldIndex(label));
      assertEquals(cls, d.labels.get((int) parent), "parent class");
      assertEquals(cls, d.labels.get((int) neighbor), "neighbour class");
      assertNotEquals(parent, neighbor, "a row is never its own neighbour");
      assertTrue(r.getLong(r.fieldIndex("row")) >= d.features.size(), "a synthetic row's own id lies above every input id");
      assertTrue(syntheticIds.add(r.getLong(r.fieldIndex("row"))), "synthetic ids are distinct");
      double[] p = d.features.get((int) parent);
      double[] n = d.features.get((int) neighbor);
      double dist = 0;
      for (int j = 0; j < dims; j++) {
        dist += (p[j] - n[j]) * (p[j] - n[j]);
      }
      dist = Math.sqrt(dist);
      double[] g = golden.get(parent);
      double kth = g[g.length - 1];
      assertTrue(dist <= kth * (1 + 1e-12) + 1e-12,
          stem + " row " + parent + ": neighbour " + neighbor + " at " + dist + " is beyond the k-th exact distance " + kth);
      int far = 0;
      for (int j = 0; j < dims; j++) {
        if (Math.abs(n[j] - p[j]) > Math.abs(n[far] - p[far])) {
          far = j;
        }
      }
      double span = n[far] - p[far];
      double u = span == 0 ? 0 : (r.getDouble(r.fieldIndex(d.featureNames.get(far))) - p[far]) / span;
      assertTrue(u >= -1e-12 && u < 1 + 1e-12, "gap " + u + " outside [0,1)");
      for (int j = 0; j < dims; j++) {
        double s = r.getDouble(r.fieldIndex(d.featureNames.get(j)));
        assertEquals(p[j] + u * (n[j] - p[j]), s, 1e-9 * (1 + Math.abs(p[j]) + Math.abs(n[j])), "feature " + j);
      }
      childrenPerParent.merge(parent, 1, Integer::sum);
    }
    // The quota, computed here and not taken from result.plans(): S synthetic rows for a class of n
    // rows give every row floor(S/n) children and S mod n rows one more.
    Map<String, Long> before = new HashMap<>();
    d.labels.forEach(l -> before.merge(l, 1L, Long::sum));
    Map<String, Long> after = expectedAfter(stem, strategy, before);
    for (Map.Entry<String, Long> cls : before.entrySet()) {
      long n = cls.getValue();
      long s = after.getOrDefault(cls.getKey(), n) - n;
      long base = s / n;
      long remainder = s % n;
      int parents = 0;
      int withExtra = 0;
      long total = 0;
      for (Map.Entry<Long, Integer> e : childrenPerParent.entrySet()) {
        if (d.labels.get(e.getKey().intValue()).equals(cls.getKey())) {
          parents++;
          total += e.getValue();
          assertTrue(e.getValue() == base || e.getValue() == base + 1,
              "quota of row " + e.getKey() + ": " + e.getValue() + ", expected " + base + " or " + (base + 1));
          withExtra += e.getValue() == base + 1 ? 1 : 0;
        }
      }
      assertEquals(s, total, "synthetic rows in class " + cls.getKey());
      assertEquals(base > 0 ? n : remainder, parents, "parents used in class " + cls.getKey());
      assertEquals(remainder, base > 0 ? withExtra : parents, "rows with an extra child in class " + cls.getKey());
    }
    result.release();
  }

  /**
   * Per-class counts after SMOTE: imbalanced-learn's (golden/smote_counts.json) where the case is
   * there, otherwise (an explicit dictionary) the targets the strategy itself states.
   */
  private static Map<String, Long> expectedAfter(String stem, String strategy, Map<String, Long> before) {
    try {
      for (com.fasterxml.jackson.databind.JsonNode c : SmoteCountsParityTest.golden().get("cases")) {
        if (c.get("dataset").asText().equals(stem) && SmoteCountsParityTest.strategyText(c.get("strategy")).equals(strategy)) {
          assertEquals(before, new com.fasterxml.jackson.databind.ObjectMapper().convertValue(c.get("before"),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {}), "class sizes as in the golden");
          return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(c.get("after"),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {});
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertTrue(strategy.contains(":"), "no golden counts for " + stem + " " + strategy);
    Map<String, Long> out = new HashMap<>(before);
    for (String part : strategy.split(",")) {
      int at = part.lastIndexOf(':');
      out.put(part.substring(0, at), Long.parseLong(part.substring(at + 1)));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} blockRows={3} resident={4}")
  @CsvSource(delimiter = ';', value = {
      "PimaIndiansDiabetes;diabetes;;64;false",
      "Satellite;classes;damp grey soil;100;false",
      "Shuttle;Class;;1000;false",
      "PimaIndiansDiabetes;diabetes;;64;true",
      "Satellite;classes;damp grey soil;100;true",
      "Shuttle;Class;;1000;true"})
  void distributedSearchEqualsSklearnDistances(String stem, String label, String positive, int blockRows, boolean resident) {
    // resident: the broadcast plan (ResidentNeighbors); otherwise the block-pair plan (budget 0)
    spark.conf().set(ResidentNeighbors.MAX_BYTES_CONF, resident ? "256m" : "0");
    try {
      checkDistributedSearch(stem, label, positive, blockRows);
    } finally {
      spark.conf().unset(ResidentNeighbors.MAX_BYTES_CONF);
    }
  }

  private void checkDistributedSearch(String stem, String label, String positive, int blockRows) {
    MlbenchData d = MlbenchData.read(stem, label, positive);
    Map<Long, double[]> golden = GoldenNeighbors.read(stem);
    Map<String, Integer> ks = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    for (Map.Entry<Long, double[]> e : golden.entrySet()) {
      String cls = d.labels.get(e.getKey().intValue());
      ks.put(cls, e.getValue().length);
      counts.merge(cls, 1L, Long::sum);
    }
    Dataset<Row> frame = d.frame(spark, 3);
    String[] f = d.featureColumns();
    org.apache.spark.sql.Column[] fc = new org.apache.spark.sql.Column[f.length];
    for (int i = 0; i < f.length; i++) {
      fc[i] = col(f[i]);
    }
    Dataset<Row> rows = frame.filter(col(label).isin(ks.keySet().toArray()))
        .select(col(label), col("row").as("key"), org.apache.spark.sql.functions.array(fc));
    List<Row> found = DistributedNeighbors.search(spark, rows, ks, counts, blockRows).collectAsList();
    assertEquals(golden.size(), found.size());
    for (Row r : found) {
      double[] want = golden.get(r.getLong(0));
      List<Double> got = r.getList(2);
      assertEquals(want.length, got.size());
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got.get(i), 1e-9 * (1 + want[i]), "row " + r.getLong(0) + " rank " + i);
      }
    }
  }
}
