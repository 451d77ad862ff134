package io.sampleforge.spark.tabular;

import io.sampleforge.spark.neighbors.DistributedNeighbors;
import io.sampleforge.spark.neighbors.Neighbors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;

import io.sampleforge.neighbors.NeighborSearch;
import io.sampleforge.tabular.Cleaning;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Edited-nearest-neighbours or Tomek-link cleaning of an over-sampled table ({@link Cleaning}),
 * on the exact all-classes neighbour search of {@link DistributedNeighbors}. Cost: one all-pairs
 * search over the whole table, O(n²·d) flops (1 or 3 neighbours per row), plus a join of the
 * flagged keys; the table is persisted (memory and disk) while it is searched and written.
 */
final class CleaningStage {
  /** Key column of every row of the table to clean. */
  static final String ROW_KEY = "__sf_row_key";
  /** Feature array column of every row of the table to clean. */
  static final String ROW_X = "__sf_row_x";

  /** The cleaned table and what was removed. */
  record Cleaned(Dataset<Row> rows, Map<String, Long> removedPerClass, List<Dataset<Row>> cached) {}

  private CleaningStage() {}

  /**
   * @param table rows with {@link SmoteExecution#LABEL}, {@link #ROW_KEY} (unique) and {@link #ROW_X}
   * @param counts rows per class label in {@code table}
   * @return rows of {@code table} not removed, with the same columns
   */
  static Cleaned apply(SparkSession spark, Dataset<Row> table, Cleaning cleaning, Map<String, Long> counts, int blockRows,
      NeighborSearch search, long seed) {
    String label = SmoteExecution.LABEL;
    Dataset<Row> cached = table.persist(StorageLevel.MEMORY_AND_DISK());
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Integer> ks = new HashMap<>();
    counts.forEach((l, n) -> ks.put(l, (int) Math.min(cleaning.neighbors(), total - 1)));
    Dataset<Row> nbrs = Neighbors.find(spark, cached.select(col(label), col(ROW_KEY), col(ROW_X)), ks, counts,
            blockRows, true, search, seed)
        .join(cached.select(col(ROW_KEY).as(DistributedNeighbors.KEY), col(label)), DistributedNeighbors.KEY);
    Dataset<Row> removed;
    if (cleaning == Cleaning.ENN) {
      removed = nbrs.filter(expr("exists(" + DistributedNeighbors.NEIGHBOR_LABELS + ", l -> l != " + label + ")"))
          .select(col(DistributedNeighbors.KEY), col(label));
    } else {
      Dataset<Row> first = nbrs.filter(expr("size(" + DistributedNeighbors.NEIGHBOR_KEYS + ") > 0"))
          .select(col(DistributedNeighbors.KEY).as("a_key"), col(label).as("a_label"),
              element_at(col(DistributedNeighbors.NEIGHBOR_KEYS), 1).as("a_nn"));
      Dataset<Row> other = first.select(col("a_key").as("b_key"), col("a_label").as("b_label"), col("a_nn").as("b_nn"));
      Column link = col("a_nn").equalTo(col("b_key")).and(col("b_nn").equalTo(col("a_key")))
          .and(col("a_label").notEqual(col("b_label")));
      removed = first.join(other, link).select(col("a_key").as(DistributedNeighbors.KEY), col("a_label").as(label));
    }
    removed = removed.persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> perClass = new HashMap<>();
    for (Row r : removed.groupBy(col(label)).count().collectAsList()) {
      perClass.put(r.getString(0), r.getLong(1));
    }
    Dataset<Row> kept = cached.join(removed.select(col(DistributedNeighbors.KEY).as(ROW_KEY)),
        SmoteExecution.toSeq(ROW_KEY), "left_anti");
    return new Cleaned(kept, perClass, List.of(cached, removed));
  }
}
