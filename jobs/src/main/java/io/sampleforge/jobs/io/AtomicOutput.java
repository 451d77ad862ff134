package io.sampleforge.jobs.io;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Atomic output commit: the job writes everything (data and manifest) into a staging directory
 * ({@code <output>.staging-<run id>}) beside the final path and renames it into place only when complete; an existing
 * final path is refused up front unless {@code mode: overwrite}, in which case it is moved aside,
 * replaced, and deleted. A failed run deletes its staging directory, so nothing ever appears
 * half-written under the final path. The rename is atomic on HDFS and local file systems; on
 * object stores (S3) it is a copy, so point outputs at a file system with atomic rename.
 */
public final class AtomicOutput {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final WriteMode mode;

  public AtomicOutput(Configuration conf, String output, WriteMode mode, String runId) {
    try {
      this.target = new Path(output);
      this.fs = target.getFileSystem(conf);
      this.mode = mode;
      Path qualified = fs.makeQualified(target);
      this.staging = new Path(qualified.getParent(), qualified.getName() + ".staging-" + runId);
      if (fs.exists(target) && mode == WriteMode.ERROR) {
        throw ConfigException.of("output", "must not exist (use --mode overwrite to replace it)", "'" + output + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      Path old = null;
      if (fs.exists(target)) {
        if (mode != WriteMode.OVERWRITE) {
          throw ConfigException.of("output", "appeared while the job ran and mode is error", "'" + target + "'");
        }
        old = new Path(staging.getParent(), staging.getName() + ".replaced");
        if (!fs.rename(target, old)) {
          throw new IOException("could not move old output " + target + " aside");
        }
      }
      if (!fs.rename(staging, target)) {
        if (old != null) {
          fs.rename(old, target);
        }
        throw new IOException("could not rename " + staging + " to " + target);
      }
      if (old != null) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the staging directory after a failure. */
  public void abort() {
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
