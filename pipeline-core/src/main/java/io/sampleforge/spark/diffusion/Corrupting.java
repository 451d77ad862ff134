package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.common.RecordKeys;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code corrupt} job's stage: a clean table's numeric columns become measurements under a {@link
 * Corruption}, one output row per input row, each keyed by xxhash64(id) (without an id column: by its
 * content key, {@link RecordKeys#withKeys}, written as {@code row_key}), so a row gets the same corruption
 * whatever the partitioning. Output columns: the id column (its input type); the measurement
 * y (double, null where a cell is missing): the value columns' own names for noise and mask, {@code y0
 * .. y(m-1)} for a linear map; {@code observed} (array of booleans, one per y value); {@code corrupted}
 * (false for a row kept clean by {@code clean_fraction}); {@code operator} (JSON); {@code seed}; and,
 * when asked, the clean values as {@code clean_<column>}. Bad input (exit 3): a missing, non-numeric or
 * non-finite value column, null or repeated ids. Cost: one validation aggregation, one id check, then O(D)
 * (O(m D)) per row in a narrow map (content keys: one shuffle, a window over the content hash).
 */
public final class Corrupting {
  /** The output column of observed flags. */
  public static final String OBSERVED = "observed";
  /** The output column that says whether the row was corrupted. */
  public static final String CORRUPTED = "corrupted";
  /** The id column of a table without one: each row's content key (a hash of its values and occurrence). */
  public static final String ROW_KEY = "row_key";
  /** The prefix of the clean value columns. */
  public static final String CLEAN_PREFIX = "clean_";

  private Corrupting() {}

  /** The measurements of {@code table}'s {@code columns} (lazy). */
  public static Dataset<Row> measure(Dataset<Row> table, String idColumn, List<String> columns, Corruption corruption,
      boolean keepClean, long seed) {
    if (columns == null || columns.isEmpty()) {
      throw ConfigException.of("columns", "must name the numeric value columns to corrupt", columns);
    }
    boolean contentKeys = idColumn == null;
    String keyColumn = "__sf_key";
    if (contentKeys) {
      table = RecordKeys.withKeys(table, null, keyColumn);
      idColumn = ROW_KEY;
      if (List.of(table.schema().fieldNames()).contains(ROW_KEY)) {
        throw ConfigException.of("id_column", "must be given when the table has a column named " + ROW_KEY, ROW_KEY);
      }
      table = table.withColumn(ROW_KEY, col(keyColumn));
    }
    StructField idField = null;
    for (StructField f : table.schema().fields()) {
      if (f.name().equals(idColumn)) {
        idField = f;
      }
    }
    if (idField == null) {
      throw InputDataException.of(idColumn, "(the id column, id_column) must exist in the table", "columns "
          + List.of(table.schema().fieldNames()));
    }
    if (columns.contains(idColumn)) {
      throw ConfigException.of("columns/id_column", "must not include the id column", idColumn);
    }
    int m = corruption.outputDimension(columns.size());
    NumericRows.check(table, columns, "columns");
    if (!contentKeys) {
      RecordKeys.requireUniqueIds(table, idColumn);
    }
    List<String> yNames = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      yNames.add(corruption.measuresPerColumn() ? columns.get(j) : "y" + j);
    }
    StructType out = new StructType().add(idColumn, idField.dataType(), false);
    for (String y : yNames) {
      out = out.add(y, DataTypes.DoubleType, true);
    }
    out = out.add(OBSERVED, DataTypes.createArrayType(DataTypes.BooleanType, false), false)
        .add(CORRUPTED, DataTypes.BooleanType, false).add("operator", DataTypes.StringType, false)
        .add("seed", DataTypes.LongType, false);
    if (keepClean) {
      for (String c : columns) {
        out = out.add(CLEAN_PREFIX + c, DataTypes.DoubleType, false);
      }
    }
    List<String> names = List.of(out.fieldNames());
    if (names.stream().distinct().count() != names.size()) {
      throw ConfigException.of("columns", "must not collide with the output columns " + names, columns);
    }
    List<Column> select = new ArrayList<>();
    select.add(col(ColumnNames.quoted(idColumn)));
    select.add(contentKeys ? col(keyColumn) : xxhash64(col(ColumnNames.quoted(idColumn))));
    for (String c : columns) {
      select.add(col(ColumnNames.quoted(c)).cast("double"));
    }
    return table.select(select.toArray(new Column[0]))
        .mapPartitions(new Measurer(corruption, columns.size(), keepClean, seed), Encoders.row(out));
  }

  /** The executor side: one measured row per clean row. */
  private static final class Measurer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Corruption corruption;
    private final int d;
    private final boolean keepClean;
    private final long seed;

    Measurer(Corruption corruption, int d, boolean keepClean, long seed) {
      this.corruption = corruption;
      this.d = d;
      this.keepClean = keepClean;
      this.seed = seed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws Exception {
      String operator = new ObjectMapper().writeValueAsString(corruption.describe());
      int m = corruption.outputDimension(d);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return input.hasNext();
        }

        @Override
        public Row next() {
          Row r = input.next();
          double[] x = new double[d];
          for (int j = 0; j < d; j++) {
            x[j] = r.getDouble(2 + j);
          }
          Corruption.Measured y = corruption.measure(x, r.getLong(1), seed);
          Object[] v = new Object[1 + m + 4 + (keepClean ? d : 0)];
          v[0] = r.get(0);
          Boolean[] observed = new Boolean[m];
          for (int j = 0; j < m; j++) {
            v[1 + j] = y.observed()[j] ? y.y()[j] : null;
            observed[j] = y.observed()[j];
          }
          v[1 + m] = observed;
          v[2 + m] = y.corrupted();
          v[3 + m] = operator;
          v[4 + m] = seed;
          if (keepClean) {
            for (int j = 0; j < d; j++) {
              v[5 + m + j] = x[j];
            }
          }
          return RowFactory.create(v);
        }
      };
    }
  }
}
