package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.SmoteJobConfig;
import io.sampleforge.jobs.run.JobSession;
import io.sampleforge.tabular.ClassPlan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smote}: SMOTE minority augmentation of a Parquet/CSV table. */
@Command(name = "smote", mixinStandardHelpOptions = true,
    description = "SMOTE minority augmentation of a Parquet/CSV table (config: conf/jobs/smote.yaml)")
final class SmoteCommand implements Callable<Integer>, ConfiguredCommand {
  @Mixin
  JobOptions options;

  @Option(names = "--on-invalid", paramLabel = "error|drop", description = "rows with null label or null/NaN/infinite features")
  String onInvalid;

  @Override
  public SmoteJobConfig config() {
    List<String> extra = new ArrayList<>();
    if (onInvalid != null) {
      extra.add("on_invalid=" + onInvalid);
    }
    return ConfigLoader.bind(options.tree(extra), SmoteJobConfig.class);
  }

  @Override
  public Integer call() {
    SmoteJobConfig cfg = config();
    SmoteJob.Summary s = SmoteJob.run(JobSession.forJob("smote", cfg), cfg);
    print(System.out, s);
    return 0;
  }

  static void print(PrintStream out, SmoteJob.Summary s) {
    out.printf("%-24s %12s %12s %12s %s%n", "class", "before", "after", "synthetic", "note");
    for (ClassPlan p : s.plans()) {
      out.printf("%-24s %12d %12d %12d %s%n", p.label(), p.before(), p.after(), p.synthetic(),
          p.warnings().isEmpty() ? "" : String.join("; ", p.warnings()));
    }
    if (s.dropped() > 0) {
      out.printf("dropped invalid rows: %d%n", s.dropped());
    }
    out.printf("output: %s (manifest: %s/_manifest.json)%n", io.sampleforge.jobs.io.Redaction.uris(s.output()), io.sampleforge.jobs.io.Redaction.uris(s.output()));
  }
}
