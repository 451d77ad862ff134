package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.CoresetJobConfig;
import io.sampleforge.jobs.run.JobSession;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code coreset}: a weighted coreset (leverage, Lewis-weight or root-leverage sampling) of a table. */
@Command(name = "coreset", mixinStandardHelpOptions = true,
    description = "Weighted coreset of a Parquet/CSV table by leverage, Lewis-weight or root-leverage sampling"
        + " (config: conf/jobs/coreset.yaml)")
final class CoresetCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public CoresetJobConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), CoresetJobConfig.class);
  }

  @Override
  public Integer call() {
    CoresetJobConfig cfg = config();
    CoresetJob.Summary s = CoresetJob.run(JobSession.forJob("coreset", cfg), cfg);
    print(System.out, cfg, s);
    return 0;
  }

  static void print(PrintStream out, CoresetJobConfig cfg, CoresetJob.Summary s) {
    out.printf("%-16s %12s %12s %14s %14s %12s%n", "method", "rows", "sum_scores", "expected_size", "realised_rows", "draws");
    out.printf(java.util.Locale.ROOT, "%-16s %12d %12.6g %14.2f %14d %12d%n", cfg.method(), s.stats().rows(),
        s.stats().scoreTotal(), s.stats().expectedSize(), s.realisedRows(), s.draws());
    out.printf("output: %s (manifest: %s/_manifest.json)%n", io.sampleforge.jobs.io.Redaction.uris(s.output()),
        io.sampleforge.jobs.io.Redaction.uris(s.output()));
  }
}
