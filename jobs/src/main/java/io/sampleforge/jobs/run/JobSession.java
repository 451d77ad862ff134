package io.sampleforge.jobs.run;

import io.sampleforge.jobs.config.JobTarget;
import io.sampleforge.jobs.io.OutputPreflight;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The job's SparkSession: the active one when a caller (notebook, test, spark-submit) made it,
 * otherwise a new one whose master comes from spark-submit / spark.master, defaulting to local[*].
 */
public final class JobSession {
  private JobSession() {}

  /**
   * The session for {@code job}, after its output preflight has passed ({@link OutputPreflight}), so
   * a refused output costs no Spark start-up.
   */
  public static SparkSession forJob(String appName, JobTarget job) {
    OutputPreflight.check(HadoopSettings.current(), job);
    return getOrCreate(appName);
  }

  public static SparkSession getOrCreate(String appName) {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isDefined() && !active.get().sparkContext().isStopped()) {
      return active.get(); // a notebook's, a test's or an earlier job's in a batch: its settings stand
    }
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("sampleforge " + appName);
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!conf.contains("spark.serializer")) {
      builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    return builder.getOrCreate();
  }
}
