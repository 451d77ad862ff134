package io.sampleforge.jobs.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Wall time per job phase, in order, for logs and manifests. With a SparkContext, every Spark job a
 * phase starts carries a job group ({@code <run id>/<phase>}) and a description ({@code <app name>:
 * <phase>}), so the Spark UI and history server tell the phases of a run apart.
 */
public final class PhaseTimer {
  private static final Logger LOG = LogManager.getLogger(PhaseTimer.class);
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final ProgressListener progress;
  private final org.apache.spark.SparkContext context;
  private final String runId;

  public PhaseTimer(ProgressListener progress) {
    this(progress, null, null);
  }

  public PhaseTimer(ProgressListener progress, org.apache.spark.SparkContext context, String runId) {
    this.progress = progress;
    this.context = context;
    this.runId = runId;
  }

  public <T> T time(String phase, Supplier<T> work) {
    long start = System.nanoTime();
    if (progress != null) {
      progress.phase(phase);
    }
    LOG.info("phase {} started", phase);
    if (context != null) {
      context.setJobGroup(runId + "/" + phase, context.appName() + ": " + phase, false);
    }
    try {
      return work.get();
    } finally {
      double s = (System.nanoTime() - start) / 1e9;
      seconds.merge(phase, s, Double::sum);
      LOG.info("phase {} finished in {} s", phase, String.format("%.2f", s));
    }
  }

  public void time(String phase, Runnable work) {
    time(phase, () -> {
      work.run();
      return null;
    });
  }

  public Map<String, Double> seconds() {
    return new LinkedHashMap<>(seconds);
  }
}
