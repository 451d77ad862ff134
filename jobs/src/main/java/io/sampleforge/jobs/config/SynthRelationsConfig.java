package io.sampleforge.jobs.config;

import io.sampleforge.subset.RelationTable;
import io.sampleforge.errors.ConfigException;
import java.util.List;

/** The {@code synth-relations} job's config (a skewed relation table, conf/jobs/synth-relations.yaml), validated on construction. */
public record SynthRelationsConfig(String output, TableFormat format, WriteMode mode, Long items, Integer relationsPerItem,
    List<String> columns, List<Integer> vocabulary, Double skew, Long seed, Integer partitions) implements JobTarget {

  public SynthRelationsConfig {
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    format = format == null ? TableFormat.PARQUET : format;
    mode = mode == null ? WriteMode.ERROR : mode;
    items = items == null ? 100_000L : items;
    relationsPerItem = relationsPerItem == null ? 10 : relationsPerItem;
    columns = columns == null ? List.of("brand", "category") : List.copyOf(columns);
    vocabulary = vocabulary == null ? List.of(defaultVocabulary(items / 4), defaultVocabulary(items / 40))
        : List.copyOf(vocabulary);
    skew = skew == null ? 3.0 : skew;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    partitions = partitions == null ? (int) Math.max(1, Math.min(4096, items * relationsPerItem / 2_000_000 + 1)) : partitions;
    if (partitions < 1) {
      throw ConfigException.of("partitions", "must be at least 1", partitions);
    }
    spec(items, relationsPerItem, columns, vocabulary, skew, seed);
  }

  private static int defaultVocabulary(long size) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(10, size));
  }

  public RelationTable spec() {
    return spec(items, relationsPerItem, columns, vocabulary, skew, seed);
  }

  private static RelationTable spec(long items, int mean, List<String> columns, List<Integer> vocabulary, double skew,
      long seed) {
    return new RelationTable(items, mean, columns, vocabulary, skew, seed);
  }

  @Override
  public java.util.Map<String, String> inputLocations() {
    return java.util.Map.of();
  }
}
