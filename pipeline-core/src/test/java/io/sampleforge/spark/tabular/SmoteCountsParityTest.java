package io.sampleforge.spark.tabular;

import io.sampleforge.spark.LocalSparkTest;
import io.sampleforge.spark.MlbenchData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-class output counts equal imbalanced-learn 0.10's SMOTE for every strategy form, and the
 * strategies imbalanced-learn refuses are refused (golden/smote_counts.json, made by
 * golden/make_golden.py).
 */
class SmoteCountsParityTest extends LocalSparkTest {

  static JsonNode golden() throws IOException {
    try (InputStream in = SmoteCountsParityTest.class.getResourceAsStream("/golden/smote_counts.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static String strategyText(JsonNode s) {
    if (s.isTextual()) {
      return s.asText();
    }
    if (s.isNumber()) {
      return Double.toString(s.asDouble());
    }
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      parts.add(e.getKey() + ":" + e.getValue().asLong());
    }
    return String.join(",", parts);
  }

  Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : golden().get("cases")) {
      out.add(Arguments.of(c.get("dataset").asText() + " " + strategyText(c.get("strategy")), c));
    }
    return out.stream();
  }

  Stream<Arguments> errors() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : golden().get("errors")) {
      if (!c.has("note")) {
        out.add(Arguments.of(c.get("dataset").asText() + " " + strategyText(c.get("strategy")), c));
      }
    }
    return out.stream();
  }

  private Dataset<Row> frame(JsonNode c) {
    return data(c).frame(spark, 3);
  }

  private static MlbenchData data(JsonNode c) {
    String dataset = c.get("dataset").asText();
    String label = switch (dataset) {
      case "Shuttle" -> "Class";
      case "Satellite" -> "classes";
      case "PimaIndiansDiabetes" -> "diabetes";
      case "LetterRecognition" -> "lettr";
      default -> throw new IllegalArgumentException(dataset);
    };
    JsonNode pos = c.get("binary_positive");
    return MlbenchData.read(dataset, label, pos == null || pos.isNull() ? null : pos.asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void countsEqualImbalancedLearn(String name, JsonNode c) {
    MlbenchData d = data(c);
    Smote smote = new Smote().setLabelCol(d.labelName).setFeatureCols(d.featureColumns())
        .setK(c.get("k").asInt()).setSamplingStrategy(strategyText(c.get("strategy"))).setIdCol("row");
    Dataset<Row> out = smote.transform(d.frame(spark, 3));
    Map<String, Long> got = new TreeMap<>();
    for (Row r : out.groupBy(d.labelName).count().collectAsList()) {
      got.put(r.getString(0), r.getLong(1));
    }
    Map<String, Long> want = new TreeMap<>();
    c.get("after").fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue().asLong()));
    assertEquals(want, got, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void refusesWhatImbalancedLearnRefuses(String name, JsonNode c) {
    MlbenchData d = data(c);
    ConfigException e = assertThrows(ConfigException.class, () -> new Smote().setLabelCol(d.labelName)
        .setFeatureCols(d.featureColumns()).setSamplingStrategy(strategyText(c.get("strategy")))
        .run(d.frame(spark, 2)));
    assertTrue(e.getMessage().contains("sampling_strategy"), e.getMessage());
    assertEquals(2, e.exitCode());
  }
}
