package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.MixConfig;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.JobSession;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mix}: a training mixture drawn from several sources at chosen proportions, with exact counts. */
@Command(name = "mix", mixinStandardHelpOptions = true,
    description = "Draw a mixture from several sources (a source column or a table per source) at proportional, "
        + "uniform, given, temperature or score-softmax (Inf-DDS) weights, exact counts, resumable rounds "
        + "(config: conf/jobs/mix.yaml)")
final class MixCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  /** The validated config (its round's output and inputs are {@link #config()}). */
  MixConfig mixConfig() {
    return ConfigLoader.bind(options.tree(List.of()), MixConfig.class);
  }

  @Override
  public io.sampleforge.jobs.config.JobTarget config() {
    return mixConfig().jobTarget();
  }

  @Override
  public Integer call() {
    MixConfig cfg = mixConfig();
    MixJob.Summary s = MixJob.run(JobSession.forJob("mix", cfg.jobTarget()), cfg);
    for (Map<String, Object> line : s.mix()) {
      System.out.printf(Locale.ROOT, "%-20s available %10d  weight %.4f  rows %10d%n", line.get("source"),
          line.get("available"), line.get("weight"), line.get("realised"));
    }
    System.out.printf("rows: %d%noutput: %s (manifest: %s/_manifest.json)%n", s.rows(), Redaction.uris(s.output()),
        Redaction.uris(s.output()));
    return 0;
  }
}
