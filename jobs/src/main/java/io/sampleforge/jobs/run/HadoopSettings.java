package io.sampleforge.jobs.run;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The Hadoop configuration a job will use, available before Spark starts: the running session's
 * when there is one (notebooks, tests, embedding code), otherwise Hadoop's defaults plus every
 * {@code spark.hadoop.*} setting that spark-submit passed (the same rule Spark applies). Cost: reads
 * the system properties once.
 */
public final class HadoopSettings {
  private HadoopSettings() {}

  public static Configuration current() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isEmpty()) {
      active = SparkSession.getDefaultSession();
    }
    if (active.isDefined() && !active.get().sparkContext().isStopped()) {
      return active.get().sparkContext().hadoopConfiguration();
    }
    Configuration conf = new Configuration();
    for (Tuple2<String, String> kv : new SparkConf().getAll()) {
      if (kv._1().startsWith("spark.hadoop.")) {
        conf.set(kv._1().substring("spark.hadoop.".length()), kv._2());
      }
    }
    return conf;
  }
}
