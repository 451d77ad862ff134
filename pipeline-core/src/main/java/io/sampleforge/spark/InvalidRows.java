package io.sampleforge.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sampleforge.errors.InputDataException;
import io.sampleforge.tabular.InvalidHandling;
import io.sampleforge.tabular.SmoteSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds rows SMOTE cannot use (null label; null, NaN or infinite feature) in one aggregation pass
 * and either fails with the column, the count and the first offending row, or drops them and
 * reports how many. Cost: one scan plus one filtered scan when there are any.
 */
final class InvalidRows {
  private InvalidRows() {}

  /**
   * @param valid the rows SMOTE may use
   * @param dropped rows dropped (drop mode only)
   * @param counts valid rows per class label (string form)
   */
  record Outcome(Dataset<Row> valid, long dropped, Map<String, Long> counts) {}

  /** One aggregation pass: per-class counts of all rows, of invalid rows, and of each failed check. */
  static Outcome apply(Dataset<Row> df, SmoteSettings s) {
    List<String> names = new ArrayList<>();
    List<Column> checks = new ArrayList<>();
    names.add(s.labelCol());
    checks.add(col(q(s.labelCol())).isNull());
    if (s.vectorFeatures()) {
      names.add(s.featuresCol());
      Column values = org.apache.spark.ml.functions.vector_to_array(col(q(s.featuresCol())), "float64");
      checks.add(col(q(s.featuresCol())).isNull().or(org.apache.spark.sql.functions.exists(values,
          v -> v.isNaN().or(v.equalTo(Double.POSITIVE_INFINITY)).or(v.equalTo(Double.NEGATIVE_INFINITY)))));
    } else {
      for (String c : s.featureCols()) {
        names.add(c);
        Column x = col(q(c)).cast("double");
        checks.add(x.isNull().or(x.isNaN()).or(x.equalTo(Double.POSITIVE_INFINITY)).or(x.equalTo(Double.NEGATIVE_INFINITY)));
      }
    }
    Column any = checks.get(0);
    for (Column c : checks) {
      any = any.or(c);
    }
    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(when(any, 1L).otherwise(0L)));
    for (Column c : checks) {
      aggs.add(sum(when(c, 1L).otherwise(0L)));
    }
    List<Row> perClass = df.groupBy(col(q(s.labelCol())).cast("string"))
        .agg(count(lit(1)), aggs.toArray(new Column[0])).collectAsList();
    Map<String, Long> counts = new TreeMap<>();
    long invalidRows = 0;
    long[] failed = new long[checks.size()];
    for (Row r : perClass) {
      long invalid = r.getLong(2);
      invalidRows += invalid;
      for (int i = 0; i < checks.size(); i++) {
        failed[i] += r.getLong(3 + i);
      }
      if (!r.isNullAt(0) && r.getLong(1) > invalid) {
        counts.put(r.getString(0), r.getLong(1) - invalid);
      }
    }
    if (invalidRows == 0) {
      return new Outcome(df, 0, counts);
    }
    if (s.handleInvalid() == InvalidHandling.ERROR) {
      int firstBad = 0;
      while (failed[firstBad] == 0) {
        firstBad++;
      }
      Row example = df.filter(checks.get(firstBad)).limit(1).collectAsList().get(0);
      String rule = firstBad == 0 ? "(the label) must not be null" : "(a feature) must be non-null and finite (no NaN or infinity)";
      throw InputDataException.of(names.get(firstBad), rule + "; " + failed[firstBad]
          + " offending rows (use handleInvalid=drop / --on-invalid drop to drop them)", example);
    }
    return new Outcome(df.filter(not(any)), invalidRows, counts);
  }

  static String q(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
