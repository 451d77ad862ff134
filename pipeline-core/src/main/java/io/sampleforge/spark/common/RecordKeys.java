package io.sampleforge.spark.common;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.errors.InputDataException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Stable 64-bit record keys, the "record key" of every keyed random stream: the hash of the user's
 * id column when one is configured (which must then be unique and non-null), otherwise a content
 * hash of the whole row plus an occurrence index among identical rows. Both depend only on the row
 * values, never on partitioning or order. Cost: one hash per row; without an id column, one
 * shuffle (a window over the content hash).
 */
public final class RecordKeys {
  private RecordKeys() {}

  /** Adds a long column {@code keyCol} to {@code df}. */
  public static Dataset<Row> withKeys(Dataset<Row> df, String idCol, String keyCol) {
    if (idCol != null && !idCol.isEmpty()) {
      return df.withColumn(keyCol, xxhash64(col(idCol)));
    }
    List<Column> all = Arrays.stream(df.columns()).map(c -> col("`" + c + "`")).toList();
    String hashCol = keyCol + "_content";
    Dataset<Row> hashed = df.withColumn(hashCol, xxhash64(all.toArray(new Column[0])));
    Column occurrence = row_number().over(Window.partitionBy(col(hashCol)).orderBy(col(hashCol))).minus(lit(1));
    return hashed.withColumn(keyCol, xxhash64(col(hashCol), occurrence)).drop(hashCol);
  }

  /** Fails when the id column has nulls or repeated values: ids must identify rows (one aggregation). */
  public static void requireUniqueIds(Dataset<Row> df, String idCol) {
    List<Row> bad = df.groupBy(col(idCol)).count()
        .filter(col(idCol).isNull().or(col("count").gt(1))).limit(1).collectAsList();
    if (bad.isEmpty()) {
      return;
    }
    Row r = bad.get(0);
    if (r.isNullAt(0)) {
      throw InputDataException.of(idCol, "(the id column) must not be null", r.getLong(1) + " null ids");
    }
    throw InputDataException.of(idCol, "(the id column) must be unique", "value " + r.get(0) + " appears " + r.getLong(1) + " times");
  }
}
