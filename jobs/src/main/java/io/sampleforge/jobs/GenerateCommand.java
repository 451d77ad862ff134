package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GenerateJobConfig;
import io.sampleforge.jobs.run.JobSession;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code generate}: synthetic text from a prompt table with a language model and a token sampler. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate completions for a prompt table with a TorchScript or ONNX model through DJL, the built-in n-gram model (config: conf/jobs/generate.yaml), or masked-diffusion sampling of the built-in Markov chain (conf/jobs/generate-mdm.yaml)")
final class GenerateCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Override
  public GenerateJobConfig config() {
    return ConfigLoader.bind(options.tree(List.of()), GenerateJobConfig.class);
  }

  @Override
  public Integer call() {
    GenerateJobConfig cfg = config();
    GenerateJob.Summary s = GenerateJob.run(JobSession.forJob("generate", cfg), cfg);
    print(System.out, s);
    return 0;
  }

  static void print(PrintStream out, GenerateJob.Summary s) {
    out.printf("model: %s%n", io.sampleforge.jobs.io.Redaction.uris(s.model()));
    if (s.diffusion() == null) {
      out.printf("samples: %d, tokens: %d (%.0f tokens/s), finish reasons %s%n", s.samples(), s.tokens(),
          s.tokensPerSecond(), s.finishReasons());
    } else {
      out.printf("sampler: %s%n", s.diffusion().sampler());
      out.printf(java.util.Locale.ROOT, "samples: %d, tokens: %d (%.0f tokens/s), model calls (NFE) %d, cache hits %d, "
          + "%s%n", s.samples(), s.tokens(), s.tokensPerSecond(), s.diffusion().nfeTotal(),
          s.diffusion().cacheHitsTotal(), s.diffusion().exactLawDistance() == null ? "no exact law (a masked LM)"
              : String.format(java.util.Locale.ROOT, "exact-law distance %.4f", s.diffusion().exactLawDistance()));
    }
    if (!Double.isNaN(s.distinct1())) {
      out.printf("distinct-1 %.3f, distinct-2 %.3f%s%n", s.distinct1(), s.distinct2(),
          s.grammatical() == null ? "" : String.format(", grammatical %.3f", s.grammatical()));
    }
    out.printf("output: %s (manifest: %s/_manifest.json)%n", io.sampleforge.jobs.io.Redaction.uris(s.output()), io.sampleforge.jobs.io.Redaction.uris(s.output()));
  }
}
