package io.sampleforge.spark.subset;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Shannon entropy (nats) of one column's value counts over a relation table: H = ln T - sum c ln c / T. O(distinct values) on the driver. */
public final class SubsetEntropy {
  private SubsetEntropy() {}

  public static double of(Dataset<Row> relations, String column) {
    List<Row> counts = relations.groupBy(col(io.sampleforge.spark.common.ColumnNames.quoted(column))).count().collectAsList();
    long total = 0;
    double s = 0;
    for (Row r : counts) {
      long c = r.getLong(1);
      total += c;
      s += c * Math.log(c);
    }
    return total == 0 ? 0.0 : Math.log(total) - s / total;
  }
}
