package io.sampleforge.jobs.run;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;

/**
 * What a job left cached in a shared session: the persisted RDDs (a cached Dataset's column
 * buffers among them) that were not there before it ran. Every job releases its own caches when it
 * ends; an item left over is a leak, logged by the caller, and releasing it keeps one job's memory
 * from squeezing the next in a {@code batch}. Whatever was cached before the job (a notebook's own
 * DataFrames) is left alone. Cost: one lookup of the context's persisted RDDs, one unpersist per
 * leftover.
 */
public final class SessionLeftovers {
  private final SparkSession spark;
  private final Set<Integer> before;

  private SessionLeftovers(SparkSession spark, Set<Integer> before) {
    this.spark = spark;
    this.before = before;
  }

  /** Remembers what is cached now. */
  public static SessionLeftovers snapshot(SparkSession spark) {
    return new SessionLeftovers(spark, new TreeSet<>(persisted(spark).keySet()));
  }

  /** Unpersists what was cached since the snapshot; returns how many items that was. */
  public int release() {
    int count = 0;
    for (Map.Entry<Integer, RDD<?>> e : persisted(spark).entrySet()) {
      if (!before.contains(e.getKey())) {
        e.getValue().unpersist(true);
        count++;
      }
    }
    return count;
  }

  private static Map<Integer, RDD<?>> persisted(SparkSession spark) {
    Map<Integer, RDD<?>> out = new java.util.HashMap<>();
    for (Map.Entry<Object, RDD<?>> e : scala.jdk.javaapi.CollectionConverters.asJava(
        spark.sparkContext().getPersistentRDDs()).entrySet()) {
      out.put((Integer) e.getKey(), e.getValue());
    }
    return out;
  }
}
