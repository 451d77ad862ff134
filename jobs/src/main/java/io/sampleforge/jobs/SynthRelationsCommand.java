package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.SynthRelationsConfig;
import io.sampleforge.jobs.run.JobSession;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code synth-relations}: a deterministic skewed relation table, the input shape of the gme job. */
@Command(name = "synth-relations", mixinStandardHelpOptions = true,
    description = "Generate a deterministic skewed relation table (item, attribute columns) for gme (config: conf/jobs/synth-relations.yaml)")
final class SynthRelationsCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public SynthRelationsConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), SynthRelationsConfig.class);
  }

  @Override
  public Integer call() {
    SynthRelationsConfig cfg = config();
    SynthRelationsJob.Summary s = SynthRelationsJob.run(JobSession.forJob("synth-relations", cfg), cfg);
    System.out.printf("wrote %d items, %d relations to %s%n", cfg.items(), s.relations(), io.sampleforge.jobs.io.Redaction.uris(s.output()));
    return 0;
  }
}
