package io.sampleforge.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sampleforge.errors.InputDataException;
import io.sampleforge.tabular.InvalidHandling;
import io.sampleforge.tabular.SmoteSettings;
import java.util.ArrayList;
import java.util.List;
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

  record Outcome(Dataset<Row> valid, long dropped) {}

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
    List<Column> counts = new ArrayList<>();
    for (Column c : checks) {
      counts.add(sum(when(c, 1L).otherwise(0L)));
    }
    Row totals = df.agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0])).first();
    long invalidCells = 0;
    int firstBad = -1;
    for (int i = 0; i < checks.size(); i++) {
      long n = totals.isNullAt(i) ? 0 : totals.getLong(i);
      invalidCells += n;
      if (n > 0 && firstBad < 0) {
        firstBad = i;
      }
    }
    if (invalidCells == 0) {
      return new Outcome(df, 0);
    }
    if (s.handleInvalid() == InvalidHandling.ERROR) {
      long n = totals.getLong(firstBad);
      Row example = df.filter(checks.get(firstBad)).limit(1).collectAsList().get(0);
      String rule = firstBad == 0 ? "(the label) must not be null" : "(a feature) must be non-null and finite (no NaN or infinity)";
      throw InputDataException.of(names.get(firstBad), rule + "; " + n + " offending rows (use handleInvalid=drop / --on-invalid drop to drop them)", example);
    }
    long dropped = df.filter(any).count();
    return new Outcome(df.filter(not(any)), dropped);
  }

  static String q(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
