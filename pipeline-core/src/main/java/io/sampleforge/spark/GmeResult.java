package io.sampleforge.spark;

import io.sampleforge.diversity.StratumPlan;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The output of one GME selection: the ranking (one row per pick, materialised and cached), the
 * selected items' input rows joined back with their rank (null unless asked for), the plan per
 * stratum, warnings for the manifest, and {@link #release()} for the cached data.
 */
public record GmeResult(Dataset<Row> ranking, Dataset<Row> rows, List<StratumPlan> plans, List<String> warnings,
    List<Dataset<Row>> cached) {

  public GmeResult {
    plans = List.copyOf(plans);
    warnings = List.copyOf(warnings);
    cached = List.copyOf(cached);
  }

  public void release() {
    cached.forEach(Dataset::unpersist);
  }
}
