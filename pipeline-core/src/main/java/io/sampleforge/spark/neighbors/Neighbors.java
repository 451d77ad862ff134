package io.sampleforge.spark.neighbors;

import io.sampleforge.neighbors.NeighborSearch;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Chooses between the exact search ({@link DistributedNeighbors}) and the approximate one
 * ({@link ApproximateNeighbors}) by {@link NeighborSearch}: the decision uses the largest searched
 * class, or the whole table for searches across classes. Both return the same columns.
 */
public final class Neighbors {
  private static final Logger LOG = LogManager.getLogger(Neighbors.class);

  private Neighbors() {}

  public static Dataset<Row> find(SparkSession spark, Dataset<Row> rows, Map<String, Integer> ks, Map<String, Long> counts,
      int blockRows, boolean acrossClasses, NeighborSearch search, long seed) {
    long largest = 0;
    if (acrossClasses) {
      largest = counts.values().stream().mapToLong(Long::longValue).sum();
    } else {
      for (Map.Entry<String, Integer> e : ks.entrySet()) {
        if (e.getValue() > 0) {
          largest = Math.max(largest, counts.getOrDefault(e.getKey(), 0L));
        }
      }
    }
    boolean approximate = search.approximateFor(largest);
    LOG.info("neighbour search: {} ({} classes, largest searched set {} rows{})", approximate ? "approximate" : "exact",
        acrossClasses ? "across" : "within", largest,
        approximate ? ", leaves of " + search.leafRows() + " rows, " + search.trees() + " trees, spill " + search.spill() : "");
    return approximate
        ? ApproximateNeighbors.search(spark, rows, ks, counts, search, seed, acrossClasses)
        : DistributedNeighbors.search(spark, rows, ks, counts, blockRows, acrossClasses);
  }
}
