package io.sampleforge.jobs.io;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.jobs.config.TableFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads a job's input table: Parquet (with page checksum verification on, so flipped or zeroed
 * bytes fail the read instead of turning into wrong values), or CSV/TSV with a header row ("NA"
 * and empty fields as null), with column types inferred or, for jobs that compare values as text,
 * every column a string. Refused with exit 3 before any work: a path with no data file (an empty
 * folder), and a table with no rows (including a header-only CSV). Files that cannot be read are
 * explained by {@link InputFailures}. Cost: one listing and a one-row probe besides the read.
 */
public final class TableInput {
  /** parquet-mr's switch for verifying page CRCs on read (Spark writes them by default). */
  public static final String VERIFY_CHECKSUMS = "parquet.page.verify-checksum.enabled";

  private TableInput() {}

  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format) {
    return read(spark, path, format, true);
  }

  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format, boolean inferTypes) {
    return read(spark, path, format, inferTypes, null);
  }

  /**
   * Reads a table whose CSV/TSV columns are typed without a full inference pass ({@link CsvSchema}):
   * {@code columns.declared()} as given, the rest from a sample. Parquet input ignores the job's
   * own types and refuses config-declared ones ({@code column_types} is a CSV/TSV key).
   */
  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format, CsvColumns columns) {
    if (format == TableFormat.PARQUET && !columns.configured().isEmpty()) {
      throw ConfigException.of("column_types", "applies to CSV/TSV input only; a Parquet input has its own types",
          columns.configured());
    }
    return read(spark, path, format, true, columns);
  }

  private static Dataset<Row> read(SparkSession spark, String path, TableFormat format, boolean inferTypes,
      CsvColumns columns) {
    requireDataFiles(spark, path);
    Dataset<Row> df;
    try {
      boolean knownToHaveRows = false;
      if (format == TableFormat.PARQUET) {
        df = spark.read().option(VERIFY_CHECKSUMS, "true").parquet(path);
      } else if (columns == null || !inferTypes) {
        df = CsvSchema.reader(spark, format).option("inferSchema", Boolean.toString(inferTypes)).csv(path);
      } else {
        CsvSchema.Resolved resolved = CsvSchema.resolve(spark, path, format, columns.declared(), columns.configured());
        df = CsvSchema.reader(spark, format).option("enforceSchema", "false").schema(resolved.schema()).csv(path);
        if (columns.cacheParsed()) {
          // filled by the job's first pass (its validation), read by the later ones
          df = df.persist(StorageLevel.MEMORY_AND_DISK());
        }
        knownToHaveRows = resolved.hasRows();
      }
      // one task reading one row (Dataset.isEmpty plans a shuffle stage around its limit)
      if (!knownToHaveRows && df.select().takeAsList(1).isEmpty()) {
        throw new InputDataException("input '" + path + "' must hold at least one row; it is an empty table (columns "
            + Arrays.toString(df.columns()) + ")");
      }
    } catch (RuntimeException e) {
      throw InputFailures.explain(e).map(RuntimeException.class::cast).orElse(e);
    }
    return df;
  }

  /** Drops the cached parsed rows of a {@link CsvColumns#cached()} read (no-op for anything not cached). */
  public static void release(Dataset<Row> input) {
    if (input != null && !input.storageLevel().equals(StorageLevel.NONE())) {
      input.unpersist(false);
    }
  }

  /** Refuses a missing path, and a folder without any visible (not _ or . prefixed) file. */
  static void requireDataFiles(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw ConfigException.of("input", "must be an existing path", "'" + path + "'");
      }
      FileStatus status = fs.getFileStatus(p);
      if (status.isFile()) {
        return;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(p, true);
      String base = fs.makeQualified(p).toUri().getPath();
      while (files.hasNext()) {
        Path file = files.next().getPath();
        String full = file.toUri().getPath();
        String relative = full.startsWith(base) ? full.substring(base.length()) : file.getName();
        if (Arrays.stream(relative.split("/")).noneMatch(s -> s.startsWith("_") || s.startsWith("."))) {
          return;
        }
      }
      throw new InputDataException("input '" + path + "' must hold at least one data file; the folder has none "
          + "(it is empty or holds only hidden _/. files)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
