package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.DiffuseConfig;
import io.sampleforge.jobs.io.Redaction;
import io.sampleforge.jobs.run.JobSession;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code diffuse}: samples from a Gaussian diffusion model under a fast ODE/SDE solver. */
@Command(name = "diffuse", mixinStandardHelpOptions = true,
    description = "Sample tables from a Gaussian diffusion model (exact GMM, an MLlib GMM fit of a table) under DDIM or "
        + "DPM-Solver++ (config: conf/jobs/diffuse.yaml)")
final class DiffuseCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Option(names = "--rows", paramLabel = "N", description = "shortcut for --set rows=N (unconditional samples)")
  Long rows;

  @Override
  public DiffuseConfig config() {
    List<String> extra = new ArrayList<>();
    if (rows != null) {
      extra.add("rows=" + rows);
    }
    return ConfigLoader.bind(options.tree(extra), DiffuseConfig.class);
  }

  @Override
  public Integer call() {
    DiffuseConfig cfg = config();
    print(System.out, DiffuseJob.run(JobSession.forJob("diffuse", cfg), cfg));
    return 0;
  }

  static void print(PrintStream out, DiffuseJob.Summary s) {
    out.printf("model: %s%n", s.model());
    out.printf("solver: %s%n", s.solver());
    out.printf(Locale.ROOT, "samples: %d (%.0f samples/s), %d model calls per sample, %d denoiser calls%n", s.samples(),
        s.samplesPerSecond(), s.nfePerSample(), s.modelCalls());
    if (s.smc() != null) {
      out.printf(Locale.ROOT, "smc: %s groups of %s particles; ESS over the steps: smallest %.3f of K, mean of the groups' "
          + "smallest %.3f; %s groups below 0.1%n", s.smc().get("groups"), s.smc().get("particles"),
          (Double) s.smc().get("ess_min"), (Double) s.smc().get("ess_mean_of_group_min"), s.smc().get("groups_below_0_1"));
    }
    if (s.quality() != null && s.quality().containsKey("skipped")) {
      out.println("exact-draw comparison skipped: " + s.quality().get("skipped"));
    } else if (s.quality() != null) {
      out.printf(Locale.ROOT, "against %s exact draws: MMD^2 %.5f (threshold %.5f at level 0.01, p %.3f), sliced "
          + "Wasserstein %.4f%n", s.quality().get("samples"), (Double) s.quality().get("mmd2"),
          (Double) s.quality().get("mmd2_threshold"), (Double) s.quality().get("mmd_p_value"),
          (Double) s.quality().get("sliced_wasserstein"));
    }
    out.printf("output: %s (manifest: %s/_manifest.json)%n", Redaction.uris(s.output()), Redaction.uris(s.output()));
  }
}
