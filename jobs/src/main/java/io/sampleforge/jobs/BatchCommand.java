package io.sampleforge.jobs;

import io.sampleforge.jobs.config.BatchConfig;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.io.OutputPreflight;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.HadoopSettings;
import io.sampleforge.jobs.run.Interruption;
import io.sampleforge.jobs.run.JobSession;
import io.sampleforge.jobs.run.SessionLeftovers;
import io.sampleforge.jobs.run.ShippedConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batch}: several jobs in one JVM and one Spark session, so the JVM start, the session
 * start and the first query's class loading and code generation are paid once (about 6 s of a
 * small job on 2 cores; docs/embedded.md). Every command line is checked and every output
 * preflighted before Spark starts ({@link BatchEntries}); each job then runs exactly as it would on
 * its own (same parsing, config, output commit and exit code), in file order, and what a job leaves
 * cached is released before the next ({@link SessionLeftovers}). Exit code: 0 when every job
 * succeeded, otherwise the first failed job's code.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Run several jobs in one JVM and Spark session, start-up paid once (config: conf/jobs/batch.yaml)")
final class BatchCommand implements Callable<Integer> {
  private static final Logger LOG = LogManager.getLogger(BatchCommand.class);

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
      description = "YAML batch file: on_failure (stop|continue) and jobs, a list of job command lines")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a batch key (on_failure, jobs; repeatable)")
  List<String> overrides = new ArrayList<>();

  /** One job's result: its entry, exit code (null when it did not run) and wall-clock seconds. */
  record Outcome(BatchEntry entry, Integer exitCode, double seconds) {}

  @Override
  public Integer call() {
    BatchConfig cfg = ConfigLoader.bind(ConfigLoader.tree(ShippedConfig.resolve(config, "batch"), overrides),
        BatchConfig.class);
    Configuration hadoop = HadoopSettings.current();
    List<BatchEntry> entries = BatchEntries.of(cfg, hadoop);
    for (BatchEntry e : entries) {
      try {
        OutputPreflight.check(hadoop, e.target());
      } catch (io.sampleforge.errors.ConfigException x) {
        throw new io.sampleforge.errors.ConfigException("parameter '" + e.key() + "' (" + e.job() + ") is not a valid job: "
            + x.getMessage());
      }
    }
    SparkSession spark = JobSession.getOrCreate("batch");
    List<Outcome> outcomes = new ArrayList<>();
    Integer firstFailure = null;
    for (BatchEntry e : entries) {
      boolean skip = Interruption.interrupted() || (firstFailure != null && cfg.onFailure() == BatchConfig.OnFailure.STOP);
      if (skip) {
        outcomes.add(new Outcome(e, null, 0));
        continue;
      }
      LOG.info("batch {}: {}", e.key(), Redaction.uris(String.join(" ", e.args())));
      SessionLeftovers cached = SessionLeftovers.snapshot(spark);
      long start = System.nanoTime();
      int code = SampleforgeMain.execute(e.args().toArray(new String[0]));
      double seconds = (System.nanoTime() - start) / 1e9;
      int released = cached.release();
      if (released > 0) {
        LOG.warn("batch {} ({}) left {} cached RDDs or Datasets in the session; released", e.key(), e.job(), released);
      }
      outcomes.add(new Outcome(e, code, seconds));
      if (code != SampleforgeMain.OK && firstFailure == null) {
        firstFailure = code;
      }
    }
    print(System.out, outcomes);
    if (Interruption.interrupted()) {
      return Interruption.EXIT_CODE;
    }
    return firstFailure == null ? SampleforgeMain.OK : firstFailure;
  }

  static void print(PrintStream out, List<Outcome> outcomes) {
    out.printf(Locale.ROOT, "%-9s %-16s %6s %9s  %s%n", "batch", "job", "exit", "seconds", "output");
    for (Outcome o : outcomes) {
      out.printf(Locale.ROOT, "%-9s %-16s %6s %9s  %s%n", o.entry().key(), o.entry().job(),
          o.exitCode() == null ? "-" : o.exitCode().toString(),
          o.exitCode() == null ? "not run" : String.format(Locale.ROOT, "%.1f", o.seconds()),
          Redaction.uris(o.entry().target().output()));
    }
  }
}
