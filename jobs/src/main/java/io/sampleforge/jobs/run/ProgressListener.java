package io.sampleforge.jobs.run;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Logs progress of long phases from Spark task metrics, at most every {@code intervalSeconds}:
 * phase, tasks done / total of the running stage, records read or written by finished tasks of
 * the phase (across its stages) and records/s since the phase began, and the expected output rows.
 */
public final class ProgressListener extends SparkListener {
  private static final Logger LOG = LogManager.getLogger(ProgressListener.class);
  private final long intervalNanos;
  private volatile String phase = "start";
  private volatile long phaseStart = System.nanoTime();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private volatile int stageTasks;
  private volatile long lastLog = System.nanoTime();
  private volatile long totalRows = -1;

  public ProgressListener(double intervalSeconds) {
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  /** Starts a new phase; {@code total} rows when known (else -1). */
  public void phase(String name) {
    phase = name;
    phaseStart = System.nanoTime();
    rows.set(0);
    tasksDone.set(0);
  }

  public void totalRows(long total) {
    totalRows = total;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    stageTasks = event.stageInfo().numTasks();
    tasksDone.set(0);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    tasksDone.incrementAndGet();
    if (event.taskMetrics() != null) {
      rows.addAndGet(Math.max(event.taskMetrics().inputMetrics().recordsRead(),
          event.taskMetrics().outputMetrics().recordsWritten()));
    }
    long now = System.nanoTime();
    if (now - lastLog >= intervalNanos) {
      lastLog = now;
      double s = Math.max(1e-9, (now - phaseStart) / 1e9);
      long r = rows.get();
      LOG.info("progress {}: stage tasks {}/{}, records read or written {} ({} records/s){}", phase, tasksDone.get(),
          stageTasks, r, String.format("%.0f", r / s), totalRows > 0 ? ", output rows expected " + totalRows : "");
    }
  }
}
