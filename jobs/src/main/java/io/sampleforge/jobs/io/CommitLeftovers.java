package io.sampleforge.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What an interrupted commit of {@link AtomicOutput} can leave beside an output path, and the
 * repair every run performs before it starts: {@code <output>.staging-<run>} folders (a run that
 * died before its commit) are deleted; a {@code <output>.previous-<run>} folder (the old output,
 * moved aside by an overwrite) is renamed back when the output path is missing (the run died
 * between its two renames) and deleted when the output path exists (the run died after its commit
 * but before the clean-up). Folders named {@code .staging-<run>.replaced} by earlier versions are
 * treated as backups. Runs writing the same output concurrently are not supported: the second one
 * would delete the first one's staging folder. Cost: one listing of the output's parent folder.
 */
public final class CommitLeftovers {
  private static final Logger LOG = LogManager.getLogger(CommitLeftovers.class);
  static final String STAGING = ".staging-";
  static final String PREVIOUS = ".previous-";
  private static final String LEGACY_BACKUP = ".replaced";

  private CommitLeftovers() {}

  /** Repairs what an interrupted run left beside {@code target}; returns one line per action taken. */
  public static List<String> repair(FileSystem fs, Path target) {
    List<String> actions = new ArrayList<>();
    try {
      Path qualified = fs.makeQualified(target);
      Path parent = qualified.getParent();
      if (parent == null || !fs.exists(parent)) {
        return actions;
      }
      String name = qualified.getName();
      FileStatus[] siblings = fs.listStatus(parent, p -> p.getName().startsWith(name + STAGING)
          || p.getName().startsWith(name + PREVIOUS));
      List<FileStatus> backups = new ArrayList<>();
      List<FileStatus> stagings = new ArrayList<>();
      for (FileStatus s : siblings) {
        String n = s.getPath().getName();
        if (n.startsWith(name + PREVIOUS) || n.endsWith(LEGACY_BACKUP)) {
          backups.add(s);
        } else {
          stagings.add(s);
        }
      }
      backups.sort(Comparator.comparingLong(FileStatus::getModificationTime).reversed());
      if (!backups.isEmpty() && !fs.exists(qualified)) {
        Path restore = backups.remove(0).getPath();
        if (!fs.rename(restore, qualified)) {
          throw new IOException("could not restore the previous output " + restore + " to " + qualified);
        }
        actions.add("restored the previous output from " + restore + " (an overwrite was interrupted between its renames)");
      }
      for (FileStatus b : backups) {
        fs.delete(b.getPath(), true);
        actions.add("deleted " + b.getPath() + " (the backup of a completed overwrite)");
      }
      for (FileStatus s : stagings) {
        fs.delete(s.getPath(), true);
        actions.add("deleted " + s.getPath() + " (the staging folder of an interrupted run)");
      }
      actions.forEach(a -> LOG.warn("output recovery: {}", Redaction.uris(a)));
      return actions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of leftover folders beside {@code target} (for tests and diagnostics). */
  public static List<String> list(FileSystem fs, Path target) throws IOException {
    Path qualified = fs.makeQualified(target);
    String name = qualified.getName();
    if (!fs.exists(qualified.getParent())) {
      return List.of();
    }
    return Arrays.stream(fs.listStatus(qualified.getParent(),
            p -> p.getName().startsWith(name + STAGING) || p.getName().startsWith(name + PREVIOUS)))
        .map(s -> s.getPath().getName()).sorted().toList();
  }
}
