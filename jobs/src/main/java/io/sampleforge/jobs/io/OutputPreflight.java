package io.sampleforge.jobs.io;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.JobTarget;
import io.sampleforge.jobs.config.WriteMode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checks a job's output passes before any work starts (and before Spark starts, when the
 * command line runs it), each a config error (exit 2) naming {@code output}:
 * <ol>
 *   <li>the output is not an input location, inside one, or around one (compared as {@link
 *       PathIdentity}: qualified URIs with symbolic links resolved), since committing it would
 *       replace or delete the input;</li>
 *   <li>leftovers of an interrupted run are repaired ({@link CommitLeftovers});</li>
 *   <li>an existing output is refused unless the mode is overwrite;</li>
 *   <li>a probe file can be created and deleted in the output's parent folder (created if missing),
 *       so an unwritable location fails now rather than after the computation.</li>
 * </ol>
 * Cost: a few file system calls.
 */
public final class OutputPreflight {
  private OutputPreflight() {}

  /** Runs every check; returns the recovery actions taken (usually none). */
  public static List<String> check(Configuration conf, JobTarget job) {
    refuseOverlap(conf, job.output(), job.inputLocations());
    try {
      Path target = new Path(job.output());
      FileSystem fs = target.getFileSystem(conf);
      List<String> repaired = CommitLeftovers.repair(fs, target);
      if (job.mode() == WriteMode.ERROR && fs.exists(target)) {
        throw ConfigException.of("output", "must not exist (use --mode overwrite to replace it)", "'" + job.output() + "'");
      }
      probe(fs, fs.makeQualified(target), job.output());
      return repaired;
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigException.of("output", "must be a location this job can reach", "'" + Redaction.uris(job.output()) + "': "
          + Redaction.uris(String.valueOf(e.getMessage())));
    }
  }

  static void refuseOverlap(Configuration conf, String output, Map<String, String> inputs) {
    PathIdentity out = PathIdentity.of(output, conf);
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      if (in.getValue() == null) {
        continue;
      }
      PathIdentity input = PathIdentity.of(in.getValue(), conf);
      String relation = out.equals(input) ? "is the same location as"
          : input.contains(out) ? "lies inside" : out.contains(input) ? "contains" : null;
      if (relation != null) {
        throw ConfigException.of("output", "must not be, lie inside or contain an input location (committing it would "
            + "replace or delete the input)", "'" + output + "', which " + relation + " " + in.getKey() + " '"
            + in.getValue() + "' (resolved: output " + out + ", input " + input + ")");
      }
    }
  }

  private static void probe(FileSystem fs, Path target, String output) {
    Path parent = target.getParent();
    Path probe = new Path(parent, "." + target.getName() + ".probe-" + UUID.randomUUID());
    try {
      if (!fs.exists(parent) && !fs.mkdirs(parent)) {
        throw new IOException("could not create " + parent);
      }
      try (OutputStream o = fs.create(probe, false)) {
        o.write('p');
      }
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw ConfigException.of("output", "must be in a writable location (a probe file could not be written in its "
          + "parent folder " + parent + ")", "'" + output + "': " + e.getMessage());
    }
  }
}
