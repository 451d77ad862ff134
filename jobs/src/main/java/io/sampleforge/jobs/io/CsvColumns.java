package io.sampleforge.jobs.io;

import io.sampleforge.jobs.config.ColumnType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The CSV/TSV column types a job knows before reading ({@link CsvSchema}): its numeric feature
 * columns (double) and the config's {@code column_types}, which win over the job's own.
 *
 * @param declared column to Spark type
 * @param configured the columns whose type came from {@code column_types}
 * @param cacheParsed whether the parsed rows are cached for the job's later passes (a job that
 *     scans its input several times: parsing CSV costs about 4 s per million 18-column rows on 2
 *     cores, reading the cache a fraction of that); the job releases them ({@link TableInput#release})
 */
public record CsvColumns(Map<String, DataType> declared, Set<String> configured, boolean cacheParsed) {
  public CsvColumns {
    declared = Map.copyOf(declared);
    configured = Set.copyOf(configured);
  }

  /** The same types, with the parsed rows cached for a job that scans its input several times. */
  public CsvColumns cached() {
    return new CsvColumns(declared, configured, true);
  }

  /** Columns the job reads as text (a source name), then the config's declarations on top. */
  public static CsvColumns ofStrings(List<String> stringColumns, Map<String, ColumnType> columnTypes) {
    Map<String, DataType> d = new LinkedHashMap<>();
    stringColumns.forEach(c -> d.put(c, DataTypes.StringType));
    columnTypes.forEach((c, t) -> d.put(c, t.sparkType()));
    return new CsvColumns(d, columnTypes.keySet(), false);
  }

  /** Numeric columns read as double, then the config's declarations on top. */
  public static CsvColumns of(List<String> doubleColumns, Map<String, ColumnType> columnTypes) {
    Map<String, DataType> d = new LinkedHashMap<>();
    doubleColumns.forEach(c -> d.put(c, DataTypes.DoubleType));
    columnTypes.forEach((c, t) -> d.put(c, t.sparkType()));
    return new CsvColumns(d, columnTypes.keySet(), false);
  }
}
