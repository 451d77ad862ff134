package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.SynthTableConfig;
import io.sampleforge.jobs.run.JobSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code synth-table}: a deterministic make_classification-style imbalanced table. */
@Command(name = "synth-table", mixinStandardHelpOptions = true,
    description = "Generate a deterministic make_classification-style imbalanced table (config: conf/jobs/synth-table.yaml)")
final class SynthTableCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Option(names = "--rows", paramLabel = "N", description = "shortcut for --set rows=N")
  Long rows;

  @Override
  public SynthTableConfig config() {
    List<String> extra = new ArrayList<>();
    if (rows != null) {
      extra.add("rows=" + rows);
    }
    return ConfigLoader.bind(options.tree(extra), SynthTableConfig.class);
  }

  @Override
  public Integer call() {
    SynthTableConfig cfg = config();
    SynthTableJob.Summary s = SynthTableJob.run(JobSession.forJob("synth-table", cfg), cfg);
    System.out.printf("wrote %d rows to %s; rows per class %s%n", cfg.rows(), io.sampleforge.jobs.io.Redaction.uris(s.output()), s.counts());
    return 0;
  }
}
