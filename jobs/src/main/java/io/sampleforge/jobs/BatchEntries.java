package io.sampleforge.jobs;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.BatchConfig;
import io.sampleforge.jobs.config.JobTarget;
import io.sampleforge.jobs.io.PathIdentity;
import io.sampleforge.jobs.io.Redaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * A batch file's command lines checked before any of them runs: each must parse as a Sampleforge
 * job command line (not {@code batch}, {@code quickstart} or a help request) and bind to that job's
 * validated config, exactly as it would on its own; no two jobs may write the same location or one
 * inside another's. A failure is a config error (exit 2) naming {@code jobs[i]} and the job's own
 * message, so a typo in the last job costs no run of the first. Cost: one command-line parse and
 * config bind per job, a few file-system lookups per output; no Spark.
 */
final class BatchEntries {
  private BatchEntries() {}

  static List<BatchEntry> of(BatchConfig config, Configuration hadoop) {
    List<BatchEntry> entries = new ArrayList<>();
    for (int i = 0; i < config.jobs().size(); i++) {
      entries.add(entry(i, config.jobs().get(i)));
    }
    refuseSharedOutputs(entries, hadoop);
    return List.copyOf(entries);
  }

  private static BatchEntry entry(int index, List<String> args) {
    String key = "jobs[" + index + "]";
    CommandLine cli = new CommandLine(new SampleforgeMain());
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw ConfigException.of(key, "must be a job command line as ./submit.sh takes it after the job's submit options",
          args + ": " + e.getMessage());
    }
    if (!parsed.hasSubcommand()) {
      throw ConfigException.of(key, "must start with a job name", args);
    }
    ParseResult sub = parsed.subcommand();
    String job = sub.commandSpec().name();
    if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested() || sub.hasSubcommand()) {
      throw ConfigException.of(key, "must run a job, not ask for help", args);
    }
    if (!(sub.commandSpec().userObject() instanceof ConfiguredCommand command)) {
      throw ConfigException.of(key, "must name a job that reads a config (batch and quickstart cannot be batched)",
          "'" + job + "'");
    }
    JobTarget target;
    try {
      target = command.config();
    } catch (ConfigException e) {
      throw new ConfigException("parameter '" + key + "' (" + job + ") is not a valid job: " + e.getMessage());
    }
    return new BatchEntry(index, args, job, target);
  }

  private static void refuseSharedOutputs(List<BatchEntry> entries, Configuration hadoop) {
    List<PathIdentity> outputs = new ArrayList<>();
    for (BatchEntry e : entries) {
      PathIdentity out = PathIdentity.of(e.target().output(), hadoop);
      for (int j = 0; j < outputs.size(); j++) {
        PathIdentity earlier = outputs.get(j);
        String relation = earlier.equals(out) ? "is the same location as"
            : earlier.contains(out) ? "lies inside" : out.contains(earlier) ? "contains" : null;
        if (relation != null) {
          throw ConfigException.of(e.key() + ".output", "must not be, lie inside or contain another job's output (a "
              + "later commit would replace the earlier job's result)", "'" + Redaction.uris(e.target().output())
              + "', which " + relation + " the output of jobs[" + entries.get(j).index() + "] ("
              + entries.get(j).job() + ")");
        }
      }
      outputs.add(out);
    }
  }
}
