package io.sampleforge.jobs.run;

import io.sampleforge.jobs.config.WriteMode;
import io.sampleforge.jobs.io.AtomicOutput;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * The frame every job runs in: a progress listener on the session (removed afterwards), a phase
 * timer, and an atomic output whose staging directory is deleted when the job body fails, so a
 * failed run leaves nothing under the final path.
 */
public final class JobRun {
  private JobRun() {}

  /** A job body: phases timed by {@code timer}, data and manifest written under {@code out.staging()}. */
  @FunctionalInterface
  public interface Body<T> {
    T run(PhaseTimer timer, AtomicOutput out, ProgressListener progress);
  }

  public static <T> T run(SparkSession spark, String output, WriteMode mode, Body<T> body) {
    ProgressListener progress = new ProgressListener(10);
    spark.sparkContext().addSparkListener(progress);
    try {
      PhaseTimer timer = new PhaseTimer(progress);
      AtomicOutput out = new AtomicOutput(spark.sparkContext().hadoopConfiguration(), output, mode,
          UUID.randomUUID().toString());
      try {
        return body.run(timer, out, progress);
      } catch (RuntimeException | Error e) {
        out.abort();
        throw e;
      }
    } finally {
      spark.sparkContext().removeSparkListener(progress);
    }
  }
}
