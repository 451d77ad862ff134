package io.sampleforge.jobs.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_csv;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.TableFormat;
import io.sampleforge.spark.common.ColumnNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of a CSV/TSV input read in one pass instead of two: Spark's {@code inferSchema}
 * parses the whole file once just to type its columns, which costs as much as the read itself
 * (about 14 s of a 1M-row, 18-column file on 2 cores, the read 8 s). Here the columns a job knows
 * (numeric features: double) and the ones the config declares ({@code column_types}) take their
 * type as given; every other column is typed by Spark's own inference rules from the first
 * {@value #SAMPLE_ROWS} rows (an integer column as long, so larger ids later in the file still
 * fit). The full read then parses every value as its column's type in FAILFAST mode: a value
 * that does not parse fails the job (exit 3, {@link InputFailures}) naming the column and the
 * value, instead of being read as null. Cost: a one-line header job and a sample of at most
 * {@value #SAMPLE_ROWS} rows.
 */
public final class CsvSchema {
  /** Rows that type the columns no one declared. */
  public static final int SAMPLE_ROWS = 10_000;

  private CsvSchema() {}

  /** The CSV/TSV reader every job uses: a header row, NA and empty fields as null, FAILFAST. */
  public static DataFrameReader reader(SparkSession spark, TableFormat format) {
    return spark.read().option("header", "true").option("sep", format == TableFormat.TSV ? "\t" : ",")
        .option("nullValue", "NA").option("mode", "FAILFAST");
  }

  /**
   * The input's schema in header order: declared columns as given, the rest sampled.
   *
   * @param declared column to type, from the job (features) and the config ({@code column_types})
   * @param configured the columns of {@code declared} that came from {@code column_types}, which must be in the header
   */
  /**
   * A resolved schema.
   *
   * @param schema the input's columns in header order
   * @param hasRows whether the sample saw a data row (false also when no sample was needed)
   */
  public record Resolved(StructType schema, boolean hasRows) {}

  public static Resolved resolve(SparkSession spark, String path, TableFormat format, Map<String, DataType> declared,
      java.util.Set<String> configured) {
    Dataset<Row> strings = reader(spark, format).csv(path);
    StructType header = strings.schema();
    List<String> names = List.of(header.fieldNames());
    for (String c : configured) {
      if (!names.contains(c)) {
        throw ConfigException.of("column_types." + c, "must name a column of the input's header " + names, "'" + c + "'");
      }
    }
    List<String> undeclared = names.stream().filter(n -> !declared.containsKey(n)).toList();
    List<String> lines = undeclared.isEmpty() ? List.of() : sampleLines(strings, undeclared);
    Map<String, DataType> sampled = undeclared.isEmpty() ? Map.of() : infer(spark, lines, undeclared);
    StructType schema = new StructType();
    for (String n : names) {
      DataType t = declared.containsKey(n) ? declared.get(n) : sampled.get(n);
      schema = schema.add(new StructField(n, t, true, org.apache.spark.sql.types.Metadata.empty()));
    }
    CsvParseFailure.remember(qualified(spark, path), format, schema, sampled.keySet());
    return new Resolved(schema, !lines.isEmpty());
  }

  private static String qualified(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (java.io.IOException e) {
      return path;
    }
  }

  /** The first rows of the undeclared columns, as CSV lines (collected: one task reads them). */
  private static List<String> sampleLines(Dataset<Row> strings, List<String> columns) {
    Column[] cols = columns.stream().map(c -> col(ColumnNames.quoted(c))).toArray(Column[]::new);
    return strings.select(cols).limit(SAMPLE_ROWS).select(to_csv(struct(cols))).as(Encoders.STRING()).collectAsList();
  }

  /** Spark's inference rules over the sampled lines. */
  private static Map<String, DataType> infer(SparkSession spark, List<String> lines, List<String> columns) {
    Map<String, DataType> types = new HashMap<>();
    if (lines.isEmpty()) {
      columns.forEach(c -> types.put(c, DataTypes.StringType));
      return types;
    }
    StructType inferred = spark.read().option("header", "false").option("inferSchema", "true")
        .csv(spark.createDataset(new ArrayList<>(lines), Encoders.STRING())).schema();
    for (int i = 0; i < columns.size(); i++) {
      DataType t = i < inferred.size() ? inferred.fields()[i].dataType() : DataTypes.StringType;
      types.put(columns.get(i), t.equals(DataTypes.IntegerType) ? DataTypes.LongType : t);
    }
    return types;
  }
}
