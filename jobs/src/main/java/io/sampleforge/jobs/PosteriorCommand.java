package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.PosteriorConfig;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.JobSession;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code posterior}: posterior samples of each measured row under an exact Gaussian-mixture prior. */
@Command(name = "posterior", mixinStandardHelpOptions = true,
    description = "Reconstruct each row of a measurement table (the corrupt job's output): S posterior samples under "
        + "an exact GMM prior with the twisted diffusion sampler, DPS, the replacement (RePaint) sampler for exact "
        + "masks, or the closed-form posterior "
        + "(config: conf/jobs/posterior.yaml)")
final class PosteriorCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public PosteriorConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), PosteriorConfig.class);
  }

  @Override
  public Integer call() {
    PosteriorConfig cfg = config();
    PosteriorJob.Summary s = PosteriorJob.run(JobSession.forJob("posterior", cfg), cfg);
    System.out.printf("model: %s%n", s.model());
    System.out.printf("sampler: %s%n", s.sampler());
    System.out.printf("stats: %s%n", s.stats());
    System.out.printf("output: %s (manifest: %s/_manifest.json)%n", Redaction.uris(s.output()),
        Redaction.uris(s.output()));
    return 0;
  }
}
