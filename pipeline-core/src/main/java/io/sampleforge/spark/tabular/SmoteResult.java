package io.sampleforge.spark.tabular;

import io.sampleforge.tabular.ClassPlan;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The output of one SMOTE run with what a manifest needs: the per-class plans (counts before and
 * after, neighbours used, warnings) and the number of invalid rows dropped. {@link #release()}
 * frees the cached intermediate data once the output has been written.
 */
public record SmoteResult(Dataset<Row> output, List<ClassPlan> plans, long droppedInvalidRows,
    List<Dataset<Row>> cached) {

  public SmoteResult {
    plans = List.copyOf(plans);
    cached = List.copyOf(cached);
  }

  /** Unpersists intermediate datasets. */
  public void release() {
    cached.forEach(Dataset::unpersist);
  }
}
