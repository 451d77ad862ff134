package io.sampleforge.jobs.io;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The manifest's {@code spark_settings}: the Spark settings that can change a job's results or say
 * where they came from ({@code spark.master}, {@code spark.app.name}, {@code spark.sql.*},
 * {@code spark.hadoop.*}, {@code spark.executor.*}, {@code spark.task.*}, {@code spark.speculation*}),
 * sorted by key, with values redacted by {@link Redaction} (Spark's {@code spark.redaction.regex} rule
 * as read from the session, plus Hadoop's sensitive-key list for {@code spark.hadoop.*}).
 */
public final class SparkSettings {
  private static final String[] PREFIXES = {"spark.sql.", "spark.hadoop.", "spark.executor.", "spark.task.", "spark.speculation"};

  private SparkSettings() {}

  /** Whether {@code key} belongs in {@code spark_settings}. */
  public static boolean recorded(String key) {
    if (key.equals("spark.master") || key.equals("spark.app.name")) {
      return true;
    }
    for (String p : PREFIXES) {
      if (key.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The recorded settings of {@code spark}: the SparkContext's settings, with {@code spark.sql.*}
   * taken from the session (the only ones a session can change; a builder run against an existing
   * session also leaves {@code spark.master}/{@code spark.app.name} in the session's settings though
   * they did not take effect).
   */
  public static Map<String, String> of(SparkSession spark) {
    Map<String, String> all = new TreeMap<>();
    for (Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
      all.put(kv._1(), kv._2());
    }
    CollectionConverters.asJava(spark.conf().getAll()).forEach((k, v) -> {
      if (k.startsWith("spark.sql.")) {
        all.put(k, v);
      }
    });
    Redaction redaction = new Redaction(all.getOrDefault(Redaction.REGEX_KEY, Redaction.DEFAULT_REGEX),
        spark.sparkContext().hadoopConfiguration());
    Map<String, String> out = new TreeMap<>();
    all.forEach((k, v) -> {
      if (recorded(k)) {
        out.put(k, redaction.value(k, v));
      }
    });
    return out;
  }
}
