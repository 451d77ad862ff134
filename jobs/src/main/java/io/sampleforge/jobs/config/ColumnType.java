package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The types a CSV/TSV input's column may be declared as ({@code column_types: {label: string}}):
 * the Spark SQL type the column is parsed as, instead of the type Spark infers from a sample.
 */
public enum ColumnType {
  STRING(DataTypes.StringType),
  INT(DataTypes.IntegerType),
  LONG(DataTypes.LongType),
  DOUBLE(DataTypes.DoubleType),
  BOOLEAN(DataTypes.BooleanType),
  DATE(DataTypes.DateType),
  TIMESTAMP(DataTypes.TimestampType);

  private final DataType sparkType;

  ColumnType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses one declared type; {@code key} names the config key in the error (column_types.COLUMN). */
  public static ColumnType parse(String key, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (ColumnType c : values()) {
      if (c.id().equals(t)) {
        return c;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(ColumnType::id)
        .collect(Collectors.joining(", ")), "'" + text + "'");
  }

  /** Parses a {@code column_types} map (null: empty), keeping its order. */
  public static Map<String, ColumnType> parseAll(Map<String, String> declared) {
    Map<String, ColumnType> out = new LinkedHashMap<>();
    if (declared != null) {
      declared.forEach((column, type) -> out.put(column, parse("column_types." + column, type)));
    }
    return Map.copyOf(out);
  }
}
