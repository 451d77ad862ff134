package io.sampleforge.spark.subset;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The output of one GME selection: the ranking (one row per pick, materialised and cached), the
 * selected items' input rows joined back with their rank (null unless asked for), the outcome per
 * stratum (plan, final entropies, entropy-lowering picks), warnings for the manifest, and {@link
 * #release()} for the cached data.
 */
public record GmeResult(Dataset<Row> ranking, Dataset<Row> rows, List<StratumOutcome> strata, List<String> warnings,
    List<Dataset<Row>> cached) {

  public GmeResult {
    strata = List.copyOf(strata);
    warnings = List.copyOf(warnings);
    cached = List.copyOf(cached);
  }

  public void release() {
    cached.forEach(Dataset::unpersist);
  }
}
