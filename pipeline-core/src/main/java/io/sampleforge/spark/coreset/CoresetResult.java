package io.sampleforge.spark.coreset;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The output of {@link CoresetStage}: the sampled rows (input columns plus score and weight, and draws
 * with replacement; lazy: writing it runs the last pass), the statistics measured on the way, and
 * {@link #release()} for the cached matrix.
 */
public record CoresetResult(Dataset<Row> rows, CoresetStats stats, List<Runnable> cached) {
  public CoresetResult {
    cached = List.copyOf(cached);
  }

  public void release() {
    cached.forEach(Runnable::run);
  }
}
