package io.sampleforge.jobs.run;

import io.sampleforge.jobs.config.JobTarget;
import io.sampleforge.jobs.io.AtomicOutput;
import io.sampleforge.jobs.io.RunRecord;
import io.sampleforge.jobs.io.InputFailures;
import io.sampleforge.jobs.io.OutputPreflight;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * The frame every job runs in: the output preflight ({@link OutputPreflight}: no overlap with the
 * inputs, leftovers repaired, existing output refused unless overwrite, writable location), a
 * progress listener on the session (removed afterwards), a phase timer, and an atomic output whose
 * staging directory is deleted when the job body fails, so a failed run leaves nothing under the
 * final path. Read failures of input files are reported as input errors ({@link InputFailures}).
 * The command line runs the same preflight once more before it starts Spark; the repeat here is
 * deliberate (a few file-system calls): it covers callers that start jobs from code or notebooks,
 * and an output that appeared while the session was starting.
 */
public final class JobRun {
  private JobRun() {}

  /** A job body: phases timed by {@code timer}, data and manifest written under {@code out.staging()}. */
  @FunctionalInterface
  public interface Body<T> {
    T run(PhaseTimer timer, AtomicOutput out, ProgressListener progress);
  }

  /** Runs {@code body} for {@code job} under the preflight, the progress listener and the atomic output. */
  public static <T> T run(SparkSession spark, JobTarget job, Body<T> body) {
    List<String> repaired = OutputPreflight.check(spark.sparkContext().hadoopConfiguration(), job);
    ProgressListener progress = new ProgressListener(10);
    spark.sparkContext().addSparkListener(progress);
    RunRecord record = new RunRecord(UUID.randomUUID().toString(), spark.sparkContext().applicationId(),
        java.time.Instant.now());
    AtomicOutput out = new AtomicOutput(spark.sparkContext().hadoopConfiguration(), job.output(), job.mode(), record);
    Interruption.running(out);
    try {
      PhaseTimer timer = new PhaseTimer(progress, spark.sparkContext(), record.runId());
      try {
        return body.run(timer, out, progress);
      } catch (Throwable e) {
        out.abort();
        throw rethrown(InputFailures.explain(e).<Throwable>map(x -> x).orElse(e));
      }
    } finally {
      Interruption.finished(out);
      spark.sparkContext().removeSparkListener(progress);
      spark.sparkContext().clearJobGroup();
    }
  }

  /** Rethrows any throwable unchanged (Spark throws checked exceptions from Java-visible methods). */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException rethrown(Throwable t) throws E {
    throw (E) t;
  }
}
