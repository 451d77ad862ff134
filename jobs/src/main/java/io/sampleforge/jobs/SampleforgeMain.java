package io.sampleforge.jobs;

import io.sampleforge.errors.SampleforgeException;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.Interruption;
import io.sampleforge.spark.common.ExecutionMemoryShortfall;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of Sampleforge's jobs (spark-submit main class). Exit codes: 0 ok, 2 usage or
 * config error (including a refused output location), 3 bad input data (including unreadable or
 * corrupt input files), 4 not enough memory for a kernel (an executor could not grant the execution
 * memory it booked; nothing was written), 1 internal error, 143 stopped by SIGTERM (staging removed). Messages it
 * prints have URI user-info redacted ({@link Redaction#uris}).
 */
@Command(name = "sampleforge", mixinStandardHelpOptions = true, version = "sampleforge 0.1.0-SNAPSHOT",
    description = "Sampling and data synthesis at Spark scale.",
    subcommands = {QuickstartCommand.class, SmoteCommand.class, GmeCommand.class, GenerateCommand.class, DiffuseCommand.class, TrainDenoiserCommand.class, CorruptCommand.class, PosteriorCommand.class, SynthTableCommand.class, SynthRelationsCommand.class, MixCommand.class, CoresetCommand.class, BatchCommand.class})
public final class SampleforgeMain implements Runnable {
  private static final Logger LOG = LogManager.getLogger(SampleforgeMain.class);

  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int USAGE = 2;
  public static final int BAD_INPUT = 3;
  public static final int NOT_ENOUGH_MEMORY = 4;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs a command line and returns its exit code (no System.exit; the session is left running). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new SampleforgeMain());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (Interruption.interrupted()) {
        cmd.getErr().println("sampleforge: interrupted: the run was stopped (" + ex.getClass().getSimpleName() + ")");
        return Interruption.EXIT_CODE;
      }
      String shortfall = memoryShortfall(ex);
      if (shortfall != null) {
        LOG.error("not enough memory", ex);
        cmd.getErr().println("sampleforge: error: not enough memory: " + Redaction.uris(shortfall));
        return NOT_ENOUGH_MEMORY;
      }
      if (outOfMemory(ex)) {
        LOG.error("out of memory", ex);
        cmd.getErr().println("sampleforge: error: out of memory (" + ex.getClass().getSimpleName() + "): give the driver "
            + "and executors more memory (--driver-memory, spark.executor.memory) or more partitions; see the log");
        return INTERNAL;
      }
      if (ex instanceof SampleforgeException se) {
        cmd.getErr().println("sampleforge: error: " + Redaction.uris(se.getMessage()));
        return se.exitCode();
      }
      LOG.error("internal error: {}", Redaction.uris(stackTrace(ex)));
      cmd.getErr().println("sampleforge: internal error: " + Redaction.uris(ex.toString()));
      return INTERNAL;
    });
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("sampleforge: usage error: " + Redaction.uris(ex.getMessage()));
      ex.getCommandLine().usage(ex.getCommandLine().getErr());
      return USAGE;
    });
    return cli.execute(args);
  }

  /** The stack trace of {@code t} as text, so it can be redacted before it is logged. */
  private static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /**
   * The message of an {@link ExecutionMemoryShortfall} somewhere in the cause chain (thrown in a task;
   * Spark carries it to the driver as the cause or, when it could not, inside its own message), or
   * null.
   */
  private static String memoryShortfall(Throwable t) {
    String marker = ExecutionMemoryShortfall.class.getName() + ": ";
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ExecutionMemoryShortfall) {
        return c.getMessage();
      }
      String m = String.valueOf(c.getMessage());
      int at = m.indexOf(marker);
      if (at >= 0) {
        String rest = m.substring(at + marker.length());
        int end = rest.indexOf('\n');
        return end < 0 ? rest : rest.substring(0, end);
      }
    }
    return null;
  }

  private static boolean outOfMemory(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError || String.valueOf(c.getMessage()).contains("java.lang.OutOfMemoryError")) {
        return true;
      }
    }
    return false;
  }

  public static void main(String[] args) {
    Interruption.install();
    int code = execute(args);
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    System.exit(code);
  }
}
