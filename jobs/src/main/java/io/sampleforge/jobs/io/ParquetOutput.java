package io.sampleforge.jobs.io;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The writer every job's Parquet output goes through: page CRCs written explicitly
 * ({@code parquet.page.write-checksum.enabled}, parquet-mr's default, pinned so a cluster default
 * cannot turn it off), so every Sampleforge output can be verified when it is read back
 * ({@link TableInput}). Cost: a CRC32 per page.
 */
public final class ParquetOutput {
  /** parquet-mr's switch for writing page CRCs. */
  public static final String WRITE_CHECKSUMS = "parquet.page.write-checksum.enabled";

  private ParquetOutput() {}

  public static DataFrameWriter<Row> writer(Dataset<Row> df) {
    return df.write().option(WRITE_CHECKSUMS, "true");
  }
}
