package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * Where a stratum's greedy loop scores its candidates. {@link #IN_TASK}: the whole stratum in one
 * Spark task (fastest; the stratum must fit one executor). {@link #DISTRIBUTED}: items
 * range-partitioned into shards cached on the executors, one Spark round per pick in which every
 * shard replays the new pick and returns its best candidate, reduced on the driver (memory scales
 * with the cluster; each pick pays a Spark round trip). Both give identical rankings.
 */
public enum GmeScoring {
  IN_TASK("in-task"),
  DISTRIBUTED("distributed");

  private final String id;

  GmeScoring(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static GmeScoring parse(String s) {
    if (s == null) {
      return IN_TASK;
    }
    for (GmeScoring g : values()) {
      if (g.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return g;
      }
    }
    throw ConfigException.of("scoring", "must be in-task or distributed", "'" + s + "'");
  }
}
