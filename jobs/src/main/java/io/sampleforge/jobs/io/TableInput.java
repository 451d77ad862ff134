package io.sampleforge.jobs.io;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.TableFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a job's input table: Parquet, or CSV/TSV with a header row ("NA" and empty fields as null),
 * with column types inferred or, for jobs that compare values as text, every column a string.
 */
public final class TableInput {
  private TableInput() {}

  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format) {
    return read(spark, path, format, true);
  }

  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format, boolean inferTypes) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw ConfigException.of("input", "must be an existing path", "'" + path + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (format) {
      case PARQUET -> spark.read().parquet(path);
      case CSV, TSV -> spark.read().option("header", "true").option("inferSchema", Boolean.toString(inferTypes))
          .option("sep", format == TableFormat.TSV ? "\t" : ",")
          .option("nullValue", "NA").option("mode", "FAILFAST").csv(path);
    };
  }
}
