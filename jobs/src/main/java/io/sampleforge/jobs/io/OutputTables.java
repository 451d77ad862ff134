package io.sampleforge.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * What an output folder holds, for the manifest: per table (each folder with data files, by its
 * path relative to the output, "." for the output itself) the number of data files, their bytes
 * and, for Parquet, the rows (summed from the files' footers, no data read). Hidden and underscore
 * files (_SUCCESS, the manifest, checksums) are not data. Cost: one listing and one footer read per
 * Parquet file.
 */
public final class OutputTables {
  private OutputTables() {}

  /** One table's files, bytes and rows (rows null when a file is not Parquet). */
  public record Table(long files, long bytes, Long rows) {}

  public static Map<String, Table> of(FileSystem fs, String folder) {
    Path root = fs.makeQualified(new Path(folder));
    Map<String, long[]> sums = new TreeMap<>();
    Map<String, Boolean> allParquet = new TreeMap<>();
    try {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        FileStatus f = files.next();
        String name = f.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        String table = relative(root, f.getPath().getParent());
        long[] s = sums.computeIfAbsent(table, t -> new long[3]);
        s[0]++;
        s[1] += f.getLen();
        if (name.endsWith(".parquet")) {
          try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, fs.getConf()))) {
            for (BlockMetaData b : r.getFooter().getBlocks()) {
              s[2] += b.getRowCount();
            }
          }
        } else {
          allParquet.put(table, false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Table> out = new TreeMap<>();
    sums.forEach((t, s) -> out.put(t, new Table(s[0], s[1], allParquet.getOrDefault(t, true) ? s[2] : null)));
    return out;
  }

  private static String relative(Path root, Path dir) {
    String r = root.toUri().getPath();
    String d = dir.toUri().getPath();
    return d.equals(r) ? "." : d.substring(r.length() + 1);
  }
}
