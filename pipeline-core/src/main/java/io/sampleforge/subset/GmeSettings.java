package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated, immutable settings of a GME selection: the item id column, the attribute columns
 * V_1..V_N, the selector, binarised counts, the subset size (with optional per-stratum sizes),
 * missing-value handling, the approximation's candidate count m (0 = exact), stratification, what
 * to do with a short stratum, the seed, scoring threads per task (0 = spark.task.cpus), and where
 * scoring runs ({@link GmeScoring}, with the shard count of the distributed mode, 0 = Spark's
 * default parallelism).
 */
public record GmeSettings(String itemColumn, List<String> attributes, EntropySelector selector, boolean binarised,
    SubsetSize size, Map<String, SubsetSize> strataSizes, MissingValues missing, int candidates, String stratifyBy,
    WhenShort whenShort, long seed, int threads, GmeScoring scoring, int shards) implements Serializable {

  public GmeSettings {
    if (itemColumn == null || itemColumn.isBlank()) {
      throw ConfigException.of("item", "must name the item id column", "'" + itemColumn + "'");
    }
    if (attributes == null || attributes.isEmpty()) {
      throw ConfigException.of("attributes", "must list at least one attribute column", attributes);
    }
    attributes = List.copyOf(attributes);
    if (attributes.contains(itemColumn)) {
      throw ConfigException.of("attributes", "must not contain the item column '" + itemColumn + "'", attributes);
    }
    if (attributes.stream().distinct().count() != attributes.size()) {
      throw ConfigException.of("attributes", "must not repeat a column", attributes);
    }
    if (stratifyBy != null && (stratifyBy.equals(itemColumn) || attributes.contains(stratifyBy))) {
      throw ConfigException.of("stratify_by", "must differ from the item and attribute columns", "'" + stratifyBy + "'");
    }
    if (candidates < 0) {
      throw ConfigException.of("candidates", "must be 0 (exact) or a positive number of candidates per step", candidates);
    }
    if (threads < 0) {
      throw ConfigException.of("threads", "must be 0 (spark.task.cpus) or a positive thread count", threads);
    }
    strataSizes = strataSizes == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(strataSizes));
    if (!strataSizes.isEmpty() && stratifyBy == null) {
      throw ConfigException.of("strata_n", "needs stratify_by", strataSizes.keySet());
    }
    if (scoring == GmeScoring.DISTRIBUTED && candidates > 0) {
      throw ConfigException.of("candidates", "needs scoring: in-task (the distributed mode is exact only)", candidates);
    }
    if (shards < 0) {
      throw ConfigException.of("shards", "must be 0 (default parallelism) or a positive shard count", shards);
    }
    if (size == null || scoring == null || selector == null || missing == null || whenShort == null) {
      throw new ConfigException("GME settings: size, selector, missing and when_short must be set");
    }
  }

  /** The requested size for a stratum (its own override, else the global size). */
  public SubsetSize sizeFor(String stratum) {
    return stratum == null ? size : strataSizes.getOrDefault(stratum, size);
  }
}
