package io.sampleforge.spark.text;

import io.sampleforge.spark.common.ColumnNames;


import static org.apache.spark.sql.functions.col;

import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;

/**
 * Per-row sampler overrides of the generate job: the named columns must exist and be numeric, and
 * every distinct non-null value must be valid for its parameter (checked on the driver, so a bad
 * cell fails the job before generation with the column, the rule and the value). Cost: one
 * distinct-values query per column.
 */
final class RowOverrides {
  private static final int MAX_DISTINCT = 100_000;

  private RowOverrides() {}

  /** The override columns exist and are numeric (no Spark job). */
  static void validateColumns(org.apache.spark.sql.types.StructType schema, List<String> overrides) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String o : overrides) {
      SamplerSettings.requireRowOverridable(o);
      if (!names.contains(o)) {
        throw InputDataException.of(o, "must exist in the prompt table (it is listed in row_overrides)", "missing");
      }
      if (!(schema.apply(o).dataType() instanceof NumericType)) {
        throw InputDataException.of(o, "must be numeric (a per-row " + o + ")", schema.apply(o).dataType().simpleString());
      }
    }
  }

  static void validate(Dataset<Row> prompts, SamplerSettings base, List<String> overrides) {
    validateColumns(prompts.schema(), overrides);
    for (String o : overrides) {
      List<Row> values = prompts.select(col(ColumnNames.quoted(o)).cast("double")).filter(col(ColumnNames.quoted(o)).isNotNull())
          .distinct().limit(MAX_DISTINCT + 1).collectAsList();
      if (values.size() > MAX_DISTINCT) {
        throw InputDataException.of(o, "must have at most " + MAX_DISTINCT + " distinct values", "more");
      }
      for (Row v : values) {
        try {
          base.with(o, v.getDouble(0));
        } catch (ConfigException e) {
          throw InputDataException.of(o, "must hold valid " + o + " values (" + e.getMessage() + ")", v.getDouble(0));
        }
      }
    }
  }
}
