package io.sampleforge.jobs.faults;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;

/**
 * The local file system under the scheme {@code faulty:}, for fault tests: inside a Spark task's
 * first attempt, opening a data file whose name hashes into the "fail" bucket throws, and one in the
 * "slow" bucket sleeps first (a straggler); writing fails after the part file is complete for the
 * first attempt of every third write task. Keyed by file name, stage and partition, so every run
 * injects the same faults; later attempts read and write normally. Register with
 * {@code spark.hadoop.fs.faulty.impl}; executors need the test classes on their classpath.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faulty";
  private static final int BUCKETS = 3;

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** Plain statuses: the local ones load permissions through java.io.File, which refuses this scheme. */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return plain(super.getFileStatus(f));
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FileStatus[] all = super.listStatus(f);
    FileStatus[] out = new FileStatus[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = plain(all[i]);
    }
    return out;
  }

  private static FileStatus plain(FileStatus s) {
    return new FileStatus(s.getLen(), s.isDirectory(), s.getReplication(), s.getBlockSize(), s.getModificationTime(),
        s.getPath());
  }

  /**
   * Part files written by the first attempt of every third task (by partition id) are written whole
   * and then fail on close: the task dies after its output exists in its attempt folder, so the
   * retry writes a second copy and the commit protocol must keep exactly one.
   */
  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    return failingOnClose(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    return failingOnClose(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
  }

  private static FSDataOutputStream failingOnClose(Path f, FSDataOutputStream out) throws IOException {
    TaskContext task = TaskContext.get();
    if (task == null || task.attemptNumber() != 0 || !f.getName().startsWith("part-") || task.partitionId() % 3 != 0) {
      return out;
    }
    return new FSDataOutputStream(out, null) {
      @Override
      public void close() throws IOException {
        super.close();
        throw new IOException("injected fault: first attempt of stage " + task.stageId() + " partition "
            + task.partitionId() + " failed after writing " + f.getName());
      }
    };
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    TaskContext task = TaskContext.get();
    String name = f.getName();
    if (task != null && task.attemptNumber() == 0 && name.startsWith("part-")) {
      int bucket = Math.floorMod(name.hashCode() * 31 + task.stageId(), BUCKETS);
      if (bucket == 0) {
        throw new IOException("injected fault: first attempt of stage " + task.stageId() + " partition "
            + task.partitionId() + " reading " + name);
      }
      if (bucket == 1) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("slow read interrupted (a speculative copy won)");
        }
      }
    }
    return super.open(f, bufferSize);
  }
}
