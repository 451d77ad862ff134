package io.sampleforge.spark;

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
 * (rows whose neighbour set depends on distance ties skipped), and per-class counts equal
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
    int checked = 0;
    for (Row r : synthetic) {
      String[] g = golden.get(r.getLong(r.fieldIndex("parent_id")));
      assertTrue(r.isNullAt(r.fieldIndex("neighbor_id")));
      if (g[1].equals("1")) {
        continue;
      }
      checked++;
      for (int j = 2; j < header.length; j++) {
        assertEquals(g[j], r.getString(r.fieldIndex(header[j])), stem + " parent " + g[0] + " column " + header[j]);
      }
    }
    assertTrue(checked > synthetic.size() / 3, "checked " + checked + " of " + synthetic.size());
    result.release();
  }
}
