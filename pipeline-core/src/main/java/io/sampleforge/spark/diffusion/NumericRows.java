package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The numeric columns a model is fitted to, checked and in a content-defined order: every column must
 * exist and be numeric, and every row must hold finite values (a null, NaN or infinity is exit 3 with
 * the count and an example; no row is dropped). {@link #ordered} puts the rows in one partition sorted
 * by a hash of their values, then the values, so that a fit that depends on row order (MLlib's seeded
 * initialisation, the trainer's keyed batches) is a function of the rows, not of the input layout.
 * Cost: one aggregation, then a sort of the table on one task.
 */
public final class NumericRows {
  private NumericRows() {}

  /** The rows of {@code columns} (as double columns {@code __sf_v0..}), checked, in one ordered partition. */
  public static Dataset<Row> ordered(Dataset<Row> table, List<String> columns, String key) {
    return ordered(table, columns, List.of(), key, null);
  }

  /**
   * As {@link #ordered(Dataset, List, String)}, followed by the {@code categorical} columns as strings
   * ({@code __sf_c0..}; any type, null refused with the count and an example, config key {@code
   * categoricalKey}), the order taking every value into account.
   */
  public static Dataset<Row> ordered(Dataset<Row> table, List<String> columns, List<String> categorical, String key,
      String categoricalKey) {
    if (columns == null || (columns.isEmpty() && categorical.isEmpty())) {
      throw ConfigException.of(key, "must name the numeric columns to fit", columns);
    }
    for (String c : categorical) {
      if (!List.of(table.schema().fieldNames()).contains(c)) {
        throw InputDataException.of(c, "(a " + categoricalKey + " entry) must exist in the table", "columns "
            + List.of(table.schema().fieldNames()));
      }
      Column q = col(ColumnNames.quoted(c));
      long nulls = table.filter(q.isNull()).count();
      if (nulls > 0) {
        throw InputDataException.of(c, "(a " + categoricalKey + " entry) must be non-null in every row (no row is "
            + "dropped)", nulls + " offending rows, e.g. " + table.filter(q.isNull()).limit(1).collectAsList().get(0));
      }
    }

    check(table, columns, key);
    int d = columns.size();
    int w = d + categorical.size();
    String[] raw = new String[w];
    Column[] rawCols = new Column[w];
    for (int i = 0; i < d; i++) {
      raw[i] = "__sf_v" + i;
      rawCols[i] = col(ColumnNames.quoted(columns.get(i))).cast("double").as(raw[i]);
    }
    for (int i = 0; i < categorical.size(); i++) {
      raw[d + i] = "__sf_c" + i;
      rawCols[d + i] = col(ColumnNames.quoted(categorical.get(i))).cast("string").as(raw[d + i]);
    }
    Column[] order = new Column[w + 1];
    order[0] = col("__sf_h");
    for (int i = 0; i < w; i++) {
      order[i + 1] = col(raw[i]);
    }
    return table.select(rawCols)
        .withColumn("__sf_h", xxhash64(java.util.Arrays.stream(raw).map(n -> col(n)).toArray(Column[]::new)))
        .repartition(1).sortWithinPartitions(order).drop("__sf_h");
  }

  /** The categorical values (after the first {@code d} columns) of collected ordered rows. */
  public static String[][] categorical(List<Row> rows, int d) {
    String[][] out = new String[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      out[r] = new String[rows.get(r).length() - d];
      for (int i = 0; i < out[r].length; i++) {
        out[r][i] = rows.get(r).getString(d + i);
      }
    }
    return out;
  }

  /**
   * Checks that every column exists, is numeric, and is finite in every row (exit 3 with the count and an
   * example of the offending rows; no row is dropped). One aggregation.
   */
  public static void check(Dataset<Row> table, List<String> columns, String key) {
    for (String c : columns) {
      StructField f = null;
      for (StructField g : table.schema().fields()) {
        if (g.name().equals(c)) {
          f = g;
        }
      }
      if (f == null) {
        throw InputDataException.of(c, "(a " + key + " entry) must exist in the table", "columns "
            + List.of(table.schema().fieldNames()));
      }
      if (!(f.dataType() instanceof NumericType)) {
        throw InputDataException.of(c, "(a " + key + " entry) must be numeric", f.dataType().simpleString());
      }
    }
    int d = columns.size();
    List<Column> aggs = new ArrayList<>();
    for (String c : columns) {
      aggs.add(sum(when(bad(col(ColumnNames.quoted(c)).cast("double")), 1).otherwise(0)));
    }
    Row stats = table.agg(count(org.apache.spark.sql.functions.lit(1)), aggs.toArray(new Column[0])).first();
    for (int i = 0; i < d; i++) {
      long n = stats.isNullAt(1 + i) ? 0 : stats.getLong(1 + i);
      if (n > 0) {
        Column q = col(ColumnNames.quoted(columns.get(i))).cast("double");
        Row example = table.filter(bad(q)).limit(1).collectAsList().get(0);
        throw InputDataException.of(columns.get(i), "(a " + key + " entry) must be non-null and finite in every row "
            + "(no row is dropped)", n + " offending rows, e.g. " + example);
      }
    }
  }

  private static Column bad(Column q) {
    return q.isNull().or(isnan(q)).or(q.equalTo(Double.POSITIVE_INFINITY)).or(q.equalTo(Double.NEGATIVE_INFINITY));
  }

  /** The ordered rows collected to the driver (rows x columns). */
  public static double[][] collect(Dataset<Row> ordered) {
    return collect(ordered.collectAsList(), ordered.columns().length);
  }

  /** The first {@code d} (numeric) values of collected ordered rows. */
  public static double[][] collect(List<Row> rows, int d) {
    double[][] out = new double[rows.size()][d];
    for (int r = 0; r < out.length; r++) {
      for (int i = 0; i < d; i++) {
        out[r][i] = rows.get(r).getDouble(i);
      }
    }
    return out;
  }
}
