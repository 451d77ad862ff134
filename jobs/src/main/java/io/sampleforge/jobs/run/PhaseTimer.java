package io.sampleforge.jobs.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Wall time per job phase, in order, for logs and manifests. */
public final class PhaseTimer {
  private static final Logger LOG = LogManager.getLogger(PhaseTimer.class);
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final ProgressListener progress;

  public PhaseTimer(ProgressListener progress) {
    this.progress = progress;
  }

  public <T> T time(String phase, Supplier<T> work) {
    long start = System.nanoTime();
    if (progress != null) {
      progress.phase(phase);
    }
    LOG.info("phase {} started", phase);
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
