package io.sampleforge.jobs.io;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.jobs.config.TableFormat;
import io.sampleforge.spark.common.ColumnNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Names the column, the rule and the value behind a FAILFAST parse failure of a typed CSV/TSV read
 * ({@link CsvSchema}): Spark reports only the partial record and the bad token. The typed reads of
 * the session are remembered by path; on failure the failed file is read once more with every
 * column a string and the first row whose value does not cast to its column's type is reported.
 * Cost: nothing on success; one scan of the failed file on failure.
 */
final class CsvParseFailure {
  private record TypedRead(String path, TableFormat format, StructType schema, Set<String> sampled) {}

  private static final Map<String, TypedRead> READS = new ConcurrentHashMap<>();

  private CsvParseFailure() {}

  static void remember(String qualifiedPath, TableFormat format, StructType schema, Set<String> sampled) {
    READS.put(qualifiedPath, new TypedRead(qualifiedPath, format, schema, Set.copyOf(sampled)));
  }

  /** The explanation for a parse failure in {@code file} (a URI as Spark reports it), when a typed read covers it. */
  static Optional<String> describe(String file) {
    String failedPath = new Path(file).toUri().getPath();
    Optional<TypedRead> read = READS.values().stream()
        .filter(r -> failedPath.startsWith(new Path(r.path()).toUri().getPath())).findFirst();
    if (read.isEmpty()) {
      return Optional.empty();
    }
    TypedRead r = read.get();
    SparkSession spark = SparkSession.active();
    StructType strings = new StructType();
    for (StructField f : r.schema().fields()) {
      strings = strings.add(f.name(), DataTypes.StringType);
    }
    Dataset<Row> text = CsvSchema.reader(spark, r.format()).schema(strings).csv(file);
    List<StructField> typed = java.util.Arrays.stream(r.schema().fields())
        .filter(f -> !f.dataType().equals(DataTypes.StringType)).toList();
    Column any = null;
    for (StructField f : typed) {
      Column c = col(ColumnNames.quoted(f.name()));
      Column bad = c.isNotNull().and(c.try_cast(f.dataType()).isNull());
      any = any == null ? bad : any.or(bad);
    }
    if (any == null) {
      return Optional.empty();
    }
    List<Row> first = text.filter(any).limit(1).collectAsList();
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Row row = first.get(0);
    for (StructField f : typed) {
      String value = row.getAs(f.name());
      if (value != null && spark.sql("SELECT try_cast(? AS " + f.dataType().sql() + ")", new Object[] {value})
          .first().isNullAt(0)) {
        String origin = r.sampled().contains(f.name())
            ? "typed from the input's first " + CsvSchema.SAMPLE_ROWS + " rows; declare its type with column_types"
            : "a feature column, or as column_types declares it";
        return Optional.of("column '" + f.name() + "' must parse as " + typeName(f.dataType()) + " (" + origin
            + ") but a row of " + file + " holds '" + value + "' (that row: " + preview(row, r.schema()) + ")");
      }
    }
    return Optional.empty();
  }

  private static String typeName(org.apache.spark.sql.types.DataType t) {
    return t.equals(DataTypes.LongType) ? "long" : t.equals(DataTypes.IntegerType) ? "int" : t.simpleString();
  }

  private static String preview(Row row, StructType schema) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(schema.size(), 6);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ", ").append(schema.fields()[i].name()).append('=').append(row.get(i));
    }
    return sb.append(schema.size() > n ? ", ..." : "").toString();
  }
}
