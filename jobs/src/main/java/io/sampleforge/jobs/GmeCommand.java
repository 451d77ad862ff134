package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GmeJobConfig;
import io.sampleforge.jobs.run.JobSession;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gme}: GME-diverse subsets (greedy maximum-entropy selection) of a relation table. */
@Command(name = "gme", mixinStandardHelpOptions = true,
    description = "Greedy maximum-entropy diverse subset of a relation table (config: conf/jobs/gme.yaml)")
final class GmeCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public GmeJobConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), GmeJobConfig.class);
  }

  @Override
  public Integer call() {
    GmeJobConfig cfg = config();
    GmeJob.Summary s = GmeJob.run(JobSession.forJob("gme", cfg), cfg);
    print(System.out, s);
    return 0;
  }

  static void print(PrintStream out, GmeJob.Summary s) {
    StringBuilder header = new StringBuilder(String.format("%-24s %10s %10s %10s", "stratum", "items", "requested", "selected"));
    s.attributes().forEach(a -> header.append(String.format(" %14s", "H(" + abbreviate(a) + ")")));
    out.println(header);
    for (io.sampleforge.spark.subset.StratumOutcome o : s.strata()) {
      String name = o.plan().stratum() == null ? "(all)" : o.plan().stratum();
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s %10d %10d %10d", abbreviate(name),
          o.plan().items(), o.plan().requested(), o.plan().picks()));
      for (double h : o.finalEntropies()) {
        line.append(String.format(Locale.ROOT, " %14.5f", h));
      }
      out.println(line);
    }
    s.warnings().forEach(w -> out.println("warning: " + w));
    out.printf("output: %s (manifest: %s/_manifest.json)%n", io.sampleforge.jobs.io.Redaction.uris(s.output()), io.sampleforge.jobs.io.Redaction.uris(s.output()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 11 ? s : s.substring(0, 10) + "~";
  }
}
