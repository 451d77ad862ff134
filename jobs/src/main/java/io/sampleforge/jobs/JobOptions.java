package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.run.ShippedConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every job shares: a YAML config, overrides, and shortcuts for the common keys. */
public final class JobOptions {
  /** The job command this mixin belongs to (its name names the Spark application). */
  @Spec(Spec.Target.MIXEE)
  CommandSpec job;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML job config (see conf/jobs/); a bare file name not in the working directory is looked up in SparkFiles (spark-submit --files)")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (dotted keys for nested maps; repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--input", paramLabel = "PATH", description = "shortcut for --set input=PATH")
  String input;

  @Option(names = "--output", paramLabel = "PATH", description = "shortcut for --set output=PATH")
  String output;

  @Option(names = "--mode", paramLabel = "error|overwrite", description = "existing output: error (default) or overwrite")
  String mode;

  @Option(names = "--seed", paramLabel = "N", description = "shortcut for --set seed=N")
  Long seed;

  /**
   * The merged config tree: file, then shortcuts, then --set overrides. The file is found as given
   * or, shipped with spark-submit --files, through SparkFiles ({@link ShippedConfig}).
   */
  ObjectNode tree(List<String> extra) {
    List<String> all = new ArrayList<>();
    if (input != null) {
      all.add("input=" + input);
    }
    if (output != null) {
      all.add("output=" + output);
    }
    if (mode != null) {
      all.add("mode=" + mode);
    }
    if (seed != null) {
      all.add("seed=" + seed);
    }
    all.addAll(extra);
    all.addAll(overrides);
    return ConfigLoader.tree(ShippedConfig.resolve(config, job == null ? "job" : job.name()), all);
  }
}
