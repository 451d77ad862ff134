package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.TrainDenoiserConfig;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.JobSession;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code train-denoiser}: an MLP denoiser trained on a table's numeric columns, for {@code diffuse}. */
@Command(name = "train-denoiser", mixinStandardHelpOptions = true,
    description = "Train an MLP Gaussian denoiser on a table's numeric columns with DJL; diffuse samples it with "
        + "model.type: trained (config: conf/jobs/train-denoiser.yaml)")
final class TrainDenoiserCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public TrainDenoiserConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), TrainDenoiserConfig.class);
  }

  @Override
  public Integer call() {
    TrainDenoiserConfig cfg = config();
    TrainDenoiserJob.Summary s = TrainDenoiserJob.run(JobSession.forJob("train-denoiser", cfg), cfg);
    System.out.printf(Locale.ROOT, "trained on %d rows for %d epochs: loss %.4f -> %.4f%n", s.rows(), s.epochs(),
        s.firstLoss(), s.lastLoss());
    System.out.printf("model folder: %s/model (diffuse: --set model.type=trained --set model.dir=%s/model)%n",
        Redaction.uris(s.output()), Redaction.uris(s.output()));
    return 0;
  }
}
