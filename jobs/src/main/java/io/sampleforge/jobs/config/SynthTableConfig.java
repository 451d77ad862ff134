package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.tabular.ClassificationTable;
import java.util.List;

/** The {@code synth-table} job's config (make_classification-style table), validated on construction. */
public record SynthTableConfig(String output, TableFormat format, WriteMode mode, Long rows, Integer informative,
    Integer redundant, Integer noise, List<Double> weights, Integer clustersPerClass, Double classSep, Long seed,
    Integer partitions) implements JobTarget {

  public SynthTableConfig {
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    format = format == null ? TableFormat.PARQUET : format;
    mode = mode == null ? WriteMode.ERROR : mode;
    rows = rows == null ? 100_000L : rows;
    informative = informative == null ? 8 : informative;
    redundant = redundant == null ? 4 : redundant;
    noise = noise == null ? 4 : noise;
    weights = weights == null ? List.of(0.95, 0.05) : List.copyOf(weights);
    clustersPerClass = clustersPerClass == null ? 2 : clustersPerClass;
    classSep = classSep == null ? 1.0 : classSep;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    partitions = partitions == null ? Math.max(1, (int) Math.min(4096, rows / 500_000 + 1)) : partitions;
    if (partitions < 1) {
      throw ConfigException.of("partitions", "must be at least 1", partitions);
    }
    spec(rows, informative, redundant, noise, weights, clustersPerClass, classSep, seed);
  }

  public ClassificationTable.Spec spec() {
    return spec(rows, informative, redundant, noise, weights, clustersPerClass, classSep, seed);
  }

  private static ClassificationTable.Spec spec(long rows, int informative, int redundant, int noise, List<Double> weights,
      int clusters, double sep, long seed) {
    return new ClassificationTable.Spec(rows, informative, redundant, noise,
        weights.stream().mapToDouble(Double::doubleValue).toArray(), clusters, sep, seed);
  }

  @Override
  public java.util.Map<String, String> inputLocations() {
    return java.util.Map.of();
  }
}
