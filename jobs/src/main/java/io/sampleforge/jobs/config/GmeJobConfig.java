package io.sampleforge.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import io.sampleforge.errors.ConfigException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code gme} job's config (conf/jobs/gme.yaml documents every key), validated on
 * construction; defaults follow the GME reference (dutopia, counts not binarised, exact).
 */
public record GmeJobConfig(String input, TableFormat inputFormat, String output, WriteMode mode, String item,
    List<String> attributes, String selector, Boolean binarised, JsonNode n, Map<String, JsonNode> strataN,
    String stratifyBy, String missing, Integer candidates, String whenShort, GmeEmit emit, Long seed, Integer threads,
    String scoring, Integer shards) implements JobTarget {

  public GmeJobConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name a Parquet, CSV or TSV path", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
    selector = selector == null ? EntropySelector.DUTOPIA.id() : selector;
    binarised = binarised != null && binarised;
    strataN = strataN == null ? Map.of() : Map.copyOf(strataN);
    missing = missing == null ? MissingValues.VALUE.id() : missing;
    candidates = candidates == null ? 0 : candidates;
    whenShort = whenShort == null ? WhenShort.CAP.id() : whenShort;
    emit = emit == null ? GmeEmit.RANKING : emit;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    threads = threads == null ? 0 : threads;
    scoring = scoring == null ? GmeScoring.IN_TASK.id() : scoring;
    shards = shards == null ? 0 : shards;
    settings(item, attributes, selector, binarised, n, strataN, stratifyBy, missing, candidates, whenShort, seed, threads,
        scoring, shards);
  }

  /** The stage settings (validated). */
  public GmeSettings settings() {
    return settings(item, attributes, selector, binarised, n, strataN, stratifyBy, missing, candidates, whenShort, seed,
        threads, scoring, shards);
  }

  private static GmeSettings settings(String item, List<String> attributes, String selector, boolean binarised,
      JsonNode n, Map<String, JsonNode> strataN, String stratifyBy, String missing, int candidates, String whenShort,
      long seed, int threads, String scoring, int shards) {
    Map<String, SubsetSize> perStratum = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = strataN.entrySet().iterator(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      perStratum.put(e.getKey(), size("strata_n." + e.getKey(), e.getValue()));
    }
    return new GmeSettings(item, attributes, EntropySelector.parse(selector), binarised, size("n", n), perStratum,
        MissingValues.parse(missing), candidates, stratifyBy, WhenShort.parse(whenShort), seed, threads,
        GmeScoring.parse(scoring), shards);
  }

  private static SubsetSize size(String key, JsonNode node) {
    if (node == null || node.isNull()) {
      throw ConfigException.of(key, "must be set: a positive count, a fraction in (0, 1] or 'all'", node);
    }
    try {
      return SubsetSize.parse(node.isNumber() && node.isFloatingPointNumber() ? Double.toString(node.asDouble())
          : node.asText());
    } catch (ConfigException e) {
      throw ConfigException.of(key, "must be a positive count, a fraction in (0, 1] or 'all'", node);
    }
  }

  @Override
  public Map<String, String> inputLocations() {
    return Map.of("input", input);
  }
}
