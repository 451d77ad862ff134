package io.sampleforge.jobs.run;

import io.sampleforge.jobs.io.AtomicOutput;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;

/**
 * A clean stop on SIGTERM (what Airflow, YARN and Kubernetes send first). A SIGTERM handler marks
 * the run as interrupted and starts the JVM's shutdown with exit code 143 (128 + SIGTERM). Two hooks
 * in Hadoop's shutdown-hook manager sit around Spark's own (priority 40): the first (priority 60)
 * cancels the run's Spark jobs after a SIGTERM, so the main thread's failure is reported as an
 * interruption and not as an internal error; the second (priority 35, after Spark has stopped and
 * before Hadoop closes its file systems at 10) deletes the staging folder of every running output
 * (restoring an overwritten output moved aside mid-commit) on any shutdown during a run, including
 * Spark's own exit after an OutOfMemoryError (exit 52), and prints one line saying which it was.
 * Installed by the command-line entry point only; embedding code keeps its own signal policy.
 */
public final class Interruption {
  /** The exit code of a run stopped by SIGTERM. */
  public static final int EXIT_CODE = 143;
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static final AtomicBoolean INTERRUPTED = new AtomicBoolean();
  private static final Set<AtomicOutput> RUNNING = ConcurrentHashMap.newKeySet();

  private Interruption() {}

  /** Installs the hooks once per JVM. */
  public static void install() {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
        INTERRUPTED.set(true);
        new Thread(() -> System.exit(EXIT_CODE), "sampleforge-sigterm").start();
      });
    } catch (IllegalArgumentException e) {
      // no SIGTERM on this platform: the hooks below still clean up on shutdown
    }
    ShutdownHookManager.get().addShutdownHook(() -> {
      if (!INTERRUPTED.get()) {
        return;
      }
      scala.Option<SparkSession> s = SparkSession.getActiveSession();
      if (s.isEmpty()) {
        s = SparkSession.getDefaultSession();
      }
      if (s.isDefined() && !RUNNING.isEmpty()) {
        try {
          s.get().sparkContext().cancelAllJobs();
        } catch (RuntimeException ignored) {
          // the context may already be stopping
        }
      }
    }, 60);
    ShutdownHookManager.get().addShutdownHook(() -> {
      if (RUNNING.isEmpty()) {
        return;
      }
      for (AtomicOutput out : RUNNING) {
        try {
          out.abort();
        } catch (RuntimeException e) {
          System.err.println("sampleforge: could not remove " + io.sampleforge.jobs.io.Redaction.uris(out.staging() + ": " + e));
        }
      }
      System.err.println(INTERRUPTED.get()
          ? "sampleforge: interrupted by SIGTERM: stopped before the commit, staging removed, output left as it was; "
              + "exit code " + EXIT_CODE
          : "sampleforge: the JVM is shutting down during the run (Spark exits with 52 after an OutOfMemoryError in a "
              + "task): staging removed, output left as it was");
      System.err.flush();
    }, 35);
  }

  /** True once a SIGTERM has arrived (after {@link #install()}). */
  public static boolean interrupted() {
    return INTERRUPTED.get();
  }

  static void running(AtomicOutput out) {
    RUNNING.add(out);
  }

  static void finished(AtomicOutput out) {
    RUNNING.remove(out);
  }
}
