package io.sampleforge.spark.coreset;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;

import io.sampleforge.coreset.CoresetSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Input rules of {@link CoresetStage}: configured columns exist (else a ConfigException naming the key),
 * features are numeric and every feature cell is a finite number (else an InputDataException naming the
 * column and the row id), and the output columns do not exist yet. Cost: O(columns), plus one filtered
 * scan that stops at the first bad row.
 */
final class CoresetInput {
  private CoresetInput() {}

  static void validateSchema(StructType schema, CoresetSettings s) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String f : s.features()) {
      if (!names.contains(f)) {
        throw ConfigException.of("features", "names a column the input lacks (input columns: " + names + ")", "'" + f + "'");
      }
      DataType t = schema.apply(f).dataType();
      if (!(t instanceof NumericType)) {
        throw InputDataException.of(f, "(a feature column) must be numeric", "type " + t.simpleString());
      }
    }
    if (s.idColumn() != null && !names.contains(s.idColumn())) {
      throw ConfigException.of("id_column", "names a column the input lacks (input columns: " + names + ")",
          "'" + s.idColumn() + "'");
    }
    for (String out : List.of(CoresetSettings.SCORE, CoresetSettings.WEIGHT, CoresetSettings.DRAWS)) {
      if (names.contains(out)) {
        throw InputDataException.of(out, "must not already exist in the input (the coreset output adds score, weight"
            + " and, with replacement, draws); rename or drop it", "existing column '" + out + "'");
      }
    }
  }

  /** Fails on the first row with a null, NaN or infinite feature, naming its id (or record key) and column. */
  static void requireFinite(Dataset<Row> keyed, CoresetSettings s, String keyCol) {
    Column bad = lit(false);
    for (String f : s.features()) {
      bad = bad.or(invalid(col(ColumnNames.quoted(f))));
    }
    String idCol = s.idColumn() == null ? keyCol : s.idColumn();
    List<Row> first = keyed.filter(bad).limit(1).collectAsList();
    if (first.isEmpty()) {
      return;
    }
    Row r = first.get(0);
    for (String f : s.features()) {
      Object v = r.get(r.fieldIndex(f));
      double x = v == null ? Double.NaN : ((Number) v).doubleValue();
      if (v == null || !Double.isFinite(x)) {
        throw InputDataException.of(f, "must be a finite number in every row (null, NaN and infinite values are refused;"
            + " filter or impute them first)", (s.idColumn() == null ? "row with record key " : "row " + idCol + " = ")
            + r.get(r.fieldIndex(idCol)) + ": " + v);
      }
    }
  }

  private static Column invalid(Column c) {
    Column x = c.cast("double");
    return c.isNull().or(isnan(x)).or(abs(x).equalTo(lit(Double.POSITIVE_INFINITY)));
  }
}
