package io.sampleforge.spark;

import org.apache.spark.sql.SparkSession;

/** A local SparkSession for tests: no UI, few shuffle partitions, Kryo on. */
public final class SparkTestSession {
  private SparkTestSession() {}

  public static SparkSession start(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("sampleforge-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate();
  }

  public static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
