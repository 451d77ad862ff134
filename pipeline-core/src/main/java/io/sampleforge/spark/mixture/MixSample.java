package io.sampleforge.spark.mixture;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A round's sample ({@link MixSampling#sample}): the rows to write, computed from the threshold
 * pass's candidates, which stay persisted until {@link #release()} (call it once the rows are
 * written).
 */
public record MixSample(Dataset<Row> rows, Dataset<Row> candidates) {
  /** Unpersists the candidates (non-blocking). */
  public void release() {
    candidates.unpersist(false);
  }
}
