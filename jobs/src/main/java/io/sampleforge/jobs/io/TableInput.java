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

/** Reads a job's input table: Parquet, or CSV with a header row (types inferred, "NA" as null). */
public final class TableInput {
  private TableInput() {}

  public static Dataset<Row> read(SparkSession spark, String path, TableFormat format) {
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
      case CSV -> spark.read().option("header", "true").option("inferSchema", "true")
          .option("nullValue", "NA").option("mode", "FAILFAST").csv(path);
    };
  }
}
