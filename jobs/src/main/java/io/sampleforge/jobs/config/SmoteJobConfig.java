package io.sampleforge.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.neighbors.NeighborSearch;
import io.sampleforge.tabular.Cleaning;
import io.sampleforge.tabular.InvalidHandling;
import io.sampleforge.tabular.OverSamplingMethod;
import io.sampleforge.tabular.Passthrough;
import io.sampleforge.tabular.SamplingStrategy;
import io.sampleforge.tabular.SmoteSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code smote} job's config (conf/jobs/smote.yaml documents every key), validated on
 * construction; defaults are {@link SmoteSettings.Defaults} (imbalanced-learn's SMOTE).
 */
public record SmoteJobConfig(String input, TableFormat inputFormat, String output, WriteMode mode,
    String label, List<String> features, String featuresVector, Integer k, JsonNode samplingStrategy,
    Long seed, String idColumn, Lineage lineage, JsonNode passthrough, String onInvalid, Integer blockRows,
    String method, Integer mNeighbors, Double shrinkage, String clean, String neighborSearch,
    Integer approxLeafRows, Integer approxTrees, Double approxSpill, Long approxAbove, List<String> categorical,
    Map<String, String> columnTypes) implements JobTarget {

  /** Lineage column names. */
  public record Lineage(String isSynthetic, String parentId, String neighborId) {
    public Lineage {
      isSynthetic = isSynthetic == null ? SmoteSettings.Defaults.IS_SYNTHETIC : isSynthetic;
      parentId = parentId == null ? SmoteSettings.Defaults.PARENT_ID : parentId;
      neighborId = neighborId == null ? SmoteSettings.Defaults.NEIGHBOR_ID : neighborId;
    }
  }

  public SmoteJobConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name a Parquet or CSV path", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    label = label == null ? SmoteSettings.Defaults.LABEL : label;
    features = features == null ? List.of() : List.copyOf(features);
    k = k == null ? SmoteSettings.Defaults.K : k;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    lineage = lineage == null ? new Lineage(null, null, null) : lineage;
    // a JsonNode, so that YAML's bare `passthrough: null` (a null node) means the option "null" and
    // only a missing key means the default
    passthrough = passthrough == null
        ? com.fasterxml.jackson.databind.node.TextNode.valueOf(SmoteSettings.Defaults.PASSTHROUGH.id()) : passthrough;
    onInvalid = onInvalid == null ? SmoteSettings.Defaults.ON_INVALID.id() : onInvalid;
    blockRows = blockRows == null ? SmoteSettings.Defaults.BLOCK_ROWS : blockRows;
    method = method == null ? SmoteSettings.Defaults.METHOD : method;
    mNeighbors = mNeighbors == null ? SmoteSettings.Defaults.M_NEIGHBORS : mNeighbors;
    clean = clean == null ? SmoteSettings.Defaults.CLEAN.id() : clean;
    NeighborSearch ns = NeighborSearch.defaults();
    neighborSearch = neighborSearch == null ? ns.mode().id() : neighborSearch;
    approxLeafRows = approxLeafRows == null ? ns.leafRows() : approxLeafRows;
    approxTrees = approxTrees == null ? ns.trees() : approxTrees;
    approxSpill = approxSpill == null ? ns.spill() : approxSpill;
    approxAbove = approxAbove == null ? ns.autoThreshold() : approxAbove;
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
    ColumnType.parseAll(columnTypes);
    build(label, features, featuresVector, k, samplingStrategy, seed, idColumn, lineage, passthrough, onInvalid, blockRows,
        method, mNeighbors, shrinkage, clean,
        new NeighborSearch(NeighborSearch.Mode.parse(neighborSearch), approxLeafRows, approxTrees, approxSpill, approxAbove),
        categorical);
  }

  @Override
  public Map<String, String> inputLocations() {
    return Map.of("input", input);
  }

  /**
   * What a CSV/TSV input's columns are read as without an inference pass: the feature columns as
   * double, {@code column_types} as declared, the rest from a sample ({@link io.sampleforge.jobs.io.CsvSchema}).
   */
  public io.sampleforge.jobs.io.CsvColumns csvColumns() {
    return io.sampleforge.jobs.io.CsvColumns.of(features, ColumnType.parseAll(columnTypes));
  }

  /** The stage settings (validated). */
  public SmoteSettings settings() {
    return build(label, features, featuresVector, k, samplingStrategy, seed, idColumn, lineage, passthrough, onInvalid, blockRows,
        method, mNeighbors, shrinkage, clean,
        new NeighborSearch(NeighborSearch.Mode.parse(neighborSearch), approxLeafRows, approxTrees, approxSpill, approxAbove),
        categorical);
  }

  private static SmoteSettings build(String label, List<String> features, String featuresVector, int k,
      JsonNode samplingStrategy, long seed, String idColumn, Lineage lineage, JsonNode passthrough, String onInvalid,
      int blockRows, String method, int mNeighbors, Double shrinkage, String clean, NeighborSearch search,
      List<String> categorical) {
    return new SmoteSettings(label, featuresVector, features, k, SamplingStrategy.parse(strategyText(samplingStrategy)), seed,
        idColumn, lineage.isSynthetic(), lineage.parentId(), lineage.neighborId(), Passthrough.parse(passthrough.isNull() ? "null" : passthrough.asText()),
        InvalidHandling.parse(onInvalid), blockRows, OverSamplingMethod.parse(method, mNeighbors, shrinkage),
        Cleaning.parse(clean), search, categorical);
  }

  /** The sampling strategy in its textual form (auto, 0.5, a:100,b:200). */
  public String strategy() {
    return strategyText(samplingStrategy);
  }

  static String strategyText(JsonNode node) {
    if (node == null || node.isNull()) {
      return SmoteSettings.Defaults.SAMPLING_STRATEGY;
    }
    if (node.isObject()) {
      List<String> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber()) {
          throw ConfigException.of("sampling_strategy." + e.getKey(), "must be an integer target count", e.getValue());
        }
        parts.add(e.getKey() + ":" + e.getValue().asLong());
      }
      return String.join(",", parts);
    }
    if (node.isNumber()) {
      return Double.toString(node.asDouble());
    }
    if (node.isTextual()) {
      return node.asText();
    }
    throw ConfigException.of("sampling_strategy", "must be a name, a float or a map of class to count", node);
  }
}
