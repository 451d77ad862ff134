package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.CorruptConfig;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.JobSession;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code corrupt}: a measurement dataset (noisy, masked or linearly mapped rows) from a clean table. */
@Command(name = "corrupt", mixinStandardHelpOptions = true,
    description = "Make a measurement dataset from a clean table: Gaussian noise, cells missing at random or a "
        + "linear map, keyed per row (config: conf/jobs/corrupt.yaml)")
final class CorruptCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public CorruptConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), CorruptConfig.class);
  }

  @Override
  public Integer call() {
    CorruptConfig cfg = config();
    CorruptJob.Summary s = CorruptJob.run(JobSession.forJob("corrupt", cfg), cfg);
    System.out.printf("operator: %s%n", s.operator());
    System.out.printf(Locale.ROOT, "rows: %d (%d corrupted, %d kept clean); masked cells %.4f; rows with no observed "
        + "cell %d%n", s.rows(), s.corrupted(), s.rows() - s.corrupted(), s.maskedCellFraction(), s.rowsWithoutObserved());
    System.out.printf("output: %s (manifest: %s/_manifest.json)%n", Redaction.uris(s.output()),
        Redaction.uris(s.output()));
    return 0;
  }
}
