package io.sampleforge.jobs.io;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Atomic output commit. The job writes everything (data, then the manifest) into
 * {@code <output>.staging-<run>} beside the final path; {@link #commit()} then (overwrite only)
 * renames the old output to {@code <output>.previous-<run>}, renames the staging folder to the
 * output path, and deletes the backup. A failed run deletes its staging folder; a run killed at any
 * point leaves at most a staging folder and a backup, which the next run to the same output repairs
 * before it starts ({@link CommitLeftovers}: the backup is renamed back when the output path is
 * missing). So the output path holds the previous complete output or the new complete output,
 * never a mix; it is absent only between the two renames of an overwrite (a few milliseconds) and
 * only until the next run if the driver dies there. Renames are atomic on HDFS and local file
 * systems; on object stores (S3) they are copies, so point outputs at a file system with atomic
 * rename. Cost: two or three renames and one recursive delete.
 */
public final class AtomicOutput {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final Path backup;
  private final WriteMode mode;
  private final RunRecord run;

  public AtomicOutput(Configuration conf, String output, WriteMode mode, String runId) {
    this(conf, output, mode, new RunRecord(runId, null, null));
  }

  /** An output written by {@code run} (its id names the staging folder; the manifest records it). */
  public AtomicOutput(Configuration conf, String output, WriteMode mode, RunRecord run) {
    this.run = run;
    String runId = run.runId();
    try {
      this.target = new Path(output);
      this.fs = target.getFileSystem(conf);
      this.mode = mode;
      Path qualified = fs.makeQualified(target);
      this.staging = new Path(qualified.getParent(), qualified.getName() + CommitLeftovers.STAGING + runId);
      this.backup = new Path(qualified.getParent(), qualified.getName() + CommitLeftovers.PREVIOUS + runId);
      if (fs.exists(target) && mode == WriteMode.ERROR) {
        throw ConfigException.of("output", "must not exist (use --mode overwrite to replace it)", "'" + output + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run writing this output. */
  public RunRecord run() {
    return run;
  }

  /** Where the job writes before commit. */
  public String staging() {
    return staging.toString();
  }

  public String target() {
    return target.toString();
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** Moves the staging directory into place (replacing an old output in overwrite mode). */
  public void commit() {
    try {
      FaultPoints.reach("staged");
      boolean replacing = false;
      if (fs.exists(target)) {
        if (mode != WriteMode.OVERWRITE) {
          throw ConfigException.of("output", "appeared while the job ran and mode is error", "'" + target + "'");
        }
        if (!fs.rename(target, backup)) {
          throw new IOException("could not move the old output " + target + " aside to " + backup);
        }
        replacing = true;
        FaultPoints.reach("moved-aside");
      }
      if (!fs.rename(staging, target)) {
        if (replacing) {
          fs.rename(backup, target);
        }
        throw new IOException("could not rename " + staging + " to " + target);
      }
      FaultPoints.reach("renamed");
      if (replacing) {
        fs.delete(backup, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Undoes an unfinished run: deletes the staging folder and, if the run was stopped between the
   * two renames of an overwrite, puts the old output back.
   */
  public void abort() {
    try {
      fs.delete(staging, true);
      if (fs.exists(backup)) {
        if (fs.exists(target)) {
          fs.delete(backup, true);
        } else {
          fs.rename(backup, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
