package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.common.RecordKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Gaussian-diffusion synthesis on Spark (the {@code diffuse} job's stage). A request is a row with an
 * id and a sample count; each sample is keyed by (xxhash64(id), sample index), expanded into its own
 * row, hash-partitioned by that key and drawn on an executor by {@link GaussianSamplingRunner}
 * ({@code batch_size} samples per model call, the denoiser opened once per task). Every draw is a
 * keyed float64 draw of (seed, key, sample index, step, coordinate), so the output is a function of
 * the requests, the model, the settings and the seed only, never of partitioning or batch size.
 *
 * <p>Class-labelled requests ({@code label_column}, for a class-conditional model: {@link
 * GaussianModelSpec#numClasses()} K > 0): each row's label in [0, K), or null for the unconditional
 * (null-class) model; the batch runs the conditional model (guidance scale 1) or classifier-free
 * guidance ({@link GaussianSamplingSettings#guidanceScale()}); with SMC ({@link
 * GaussianSamplingSettings#smc()}) a request's samples are groups of K particles run by {@link
 * FkcSamplingRunner} (sample index g K + p is particle p of group g; columns {@code smc_lineage} and
 * {@code smc_ess_min} follow {@code seed}).
 *
 * <p>Continuously conditioned requests ({@code condition_columns}, for an exact Gaussian-mixture model
 * over the conditions and the other columns): each request's samples come from the mixture conditioned on
 * its values ({@link RequestConditions}, {@link io.sampleforge.diffusion.continuous.RowMixtureDenoiser}),
 * with those values copied into the condition columns; a null or non-finite value is exit 3 naming the id.
 *
 * <p>Output columns: the id column (its input type; {@code id} bigint 0 .. N - 1 for {@link
 * #unconditional}), {@code sample_index} int, the label column (int, null for the null class; labelled
 * requests only), the model's value columns (double, in the table's units; a trained model's
 * categorical columns as strings: {@link GaussianModelSpec#oneHot()}; double otherwise, in the table's
 * units), {@code nfe} int (model calls the sample took part in), {@code solver} (JSON), {@code model}
 * (identity JSON), {@code seed} bigint. Bad requests (exit 3): a missing id or count column, a
 * non-integral count column, null or repeated ids, null or negative counts, a non-integral label column
 * or a label outside [0, K). Cost: one validation
 * aggregation, one shuffle of the expanded (id, key, index) rows, then N model calls per batch.
 */
public final class GaussianSampling {
  /** The output columns after the id column and before/after the value columns. */
  public static final List<String> PROVENANCE = List.of("nfe", "solver", "model", "seed");
  public static final String SAMPLE_INDEX = "sample_index";
  /** SMC only: the particle's initial index in its group of K ({@code sample_index / K} is the group). */
  public static final String LINEAGE = "smc_lineage";
  /** SMC only: the group's smallest effective sample size over the steps, as a fraction of K. */
  public static final String ESS_MIN = "smc_ess_min";
  private static final String KEY = "__sf_key";
  private static final String COUNT = "__sf_count";
  private static final String CONDITIONS = "__sf_conditions";

  private GaussianSampling() {}

  /** The lazy output and the accumulator of denoiser calls (counted when the output is computed). */
  public record Result(Dataset<Row> output, LongAccumulator modelCalls) {}

  /** {@code rows} unconditional samples: request ids 0 .. rows - 1, one sample each. */
  public static Result unconditional(SparkSession spark, long rows, int partitions, GaussianModelSpec model,
      GaussianSamplingSettings settings) {
    if (rows < 1) {
      throw ConfigException.of("rows", "must be >= 1", rows);
    }
    Dataset<Row> requests = spark.range(0, rows, 1, partitions).toDF("id");
    Dataset<Row> expanded = requests.select(col("id"), xxhash64(col("id")).as(KEY), lit(0).as(SAMPLE_INDEX));
    return sample(expanded, DataTypes.LongType, "id", null, null, partitions, model, settings);
  }

  /**
   * Samples for a request table: {@code countColumn} samples for each row (or {@code samplesPerRequest}
   * when {@code countColumn} is null).
   */
  public static Result forRequests(Dataset<Row> requests, String idColumn, String countColumn, int samplesPerRequest,
      int partitions, GaussianModelSpec model, GaussianSamplingSettings settings) {
    return forRequests(requests, idColumn, countColumn, samplesPerRequest, null, partitions, model, settings);
  }

  /**
   * As {@link #forRequests(Dataset, String, String, int, int, GaussianModelSpec, GaussianSamplingSettings)},
   * with each request's class label in {@code labelColumn} (null: unlabelled requests).
   */
  public static Result forRequests(Dataset<Row> requests, String idColumn, String countColumn, int samplesPerRequest,
      String labelColumn, int partitions, GaussianModelSpec model, GaussianSamplingSettings settings) {
    return forRequests(requests, idColumn, countColumn, samplesPerRequest, labelColumn, null, partitions, model,
        settings);
  }

  /**
   * As {@link #forRequests(Dataset, String, String, int, String, int, GaussianModelSpec, GaussianSamplingSettings)},
   * with continuous conditions: each request's values of {@code conditionColumns} (null or empty: none), which
   * must be columns of an exact Gaussian-mixture model; its samples are drawn from p(rest | conditions)
   * ({@link RequestConditions}) and carry the request's values in the condition columns.
   */
  public static Result forRequests(Dataset<Row> requests, String idColumn, String countColumn, int samplesPerRequest,
      String labelColumn, List<String> conditionColumns, int partitions, GaussianModelSpec model,
      GaussianSamplingSettings settings) {
    StructType schema = requests.schema();
    RequestConditions conditions = null;
    if (conditionColumns != null && !conditionColumns.isEmpty()) {
      if (labelColumn != null) {
        throw ConfigException.of("condition_columns/label_column", "do not combine (class labels select a component "
            + "group; continuous conditions condition the joint mixture)", conditionColumns);
      }
      conditions = RequestConditions.of(conditionColumns, model);
      checkConditions(requests, idColumn, conditions.names());
    }
    StructField idField = field(schema, idColumn, "the id column (id_column)");
    checkNames(idColumn, model);
    org.apache.spark.sql.Column label = labelColumn == null ? null : labels(requests, idColumn, labelColumn, model);
    String id = ColumnNames.quoted(idColumn);
    RecordKeys.requireUniqueIds(requests, idColumn);
    org.apache.spark.sql.Column count;
    if (countColumn != null) {
      StructField c = field(schema, countColumn, "the sample count column (count_column)");
      if (!(c.dataType() instanceof IntegralType)) {
        throw InputDataException.of(countColumn, "(the sample count column) must have an integer type",
            c.dataType().simpleString());
      }
      String q = ColumnNames.quoted(countColumn);
      List<Row> bad = requests.filter(col(q).isNull().or(col(q).lt(0)).or(col(q).gt(Integer.MAX_VALUE)))
          .select(col(id), col(q)).orderBy(col(id)).limit(1).collectAsList();
      if (!bad.isEmpty()) {
        throw InputDataException.of(countColumn, "(the sample count column) must be a non-null count in [0, 2^31)",
            "id " + bad.get(0).get(0) + " has " + bad.get(0).get(1));
      }
      count = col(q).cast("int");
    } else {
      if (samplesPerRequest < 1) {
        throw ConfigException.of("samples_per_request", "must be >= 1", samplesPerRequest);
      }
      count = lit(samplesPerRequest);
    }
    int perGroup = settings.smc() == null ? 1 : settings.smc().particles();
    org.apache.spark.sql.Column units = perGroup == 1 ? count
        : count.plus(perGroup - 1).divide(perGroup).cast("int"); // groups of K particles, the last one cut
    List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(col(id).as(idColumn), xxhash64(col(id)).as(KEY),
        explode(when(units.gt(0), sequence(lit(0), units.minus(1))).otherwise(array().cast("array<int>")))
            .as(SAMPLE_INDEX)));
    if (label != null) {
      columns.add(label.as(labelColumn));
    }
    if (conditions != null) {
      columns.add(array(conditions.names().stream().map(c -> col(ColumnNames.quoted(c)).cast("double"))
          .toArray(org.apache.spark.sql.Column[]::new)).as(CONDITIONS));
    }
    if (perGroup > 1) {
      columns.add(count.as(COUNT));
    }
    Dataset<Row> expanded = requests.select(columns.toArray(new org.apache.spark.sql.Column[0]));
    return sample(expanded, idField.dataType(), idColumn, labelColumn, conditions, partitions, model, settings);
  }

  /** Condition columns must exist, be numeric and hold a finite value in every request (exit 3 naming the id). */
  private static void checkConditions(Dataset<Row> requests, String idColumn, List<String> names) {
    String id = ColumnNames.quoted(idColumn);
    for (String c : names) {
      StructField f = field(requests.schema(), c, "a condition column (condition_columns)");
      if (!(f.dataType() instanceof org.apache.spark.sql.types.NumericType)) {
        throw InputDataException.of(c, "(a condition column) must be numeric", f.dataType().simpleString());
      }
      org.apache.spark.sql.Column v = col(ColumnNames.quoted(c)).cast("double");
      List<Row> bad = requests.filter(v.isNull().or(org.apache.spark.sql.functions.isnan(v))
          .or(v.equalTo(Double.POSITIVE_INFINITY)).or(v.equalTo(Double.NEGATIVE_INFINITY)))
          .select(col(id), col(ColumnNames.quoted(c))).orderBy(col(id)).limit(1).collectAsList();
      if (!bad.isEmpty()) {
        throw InputDataException.of(c, "(a condition column) must hold a finite value in every request",
            "id " + bad.get(0).get(0) + " has " + bad.get(0).get(1));
      }
    }
  }

  /** Checks the label column (integral, values in [0, K) or null) and returns it as int. */
  private static org.apache.spark.sql.Column labels(Dataset<Row> requests, String idColumn, String labelColumn,
      GaussianModelSpec model) {
    int k = model.numClasses();
    if (k == 0) {
      throw ConfigException.of("label_column", "needs a class-conditional model (model.component_classes for gmm, "
          + "model.num_classes for torchscript/onnx); this model is unconditional", labelColumn);
    }
    if (labelColumn.equals(idColumn) || labelColumn.equals(SAMPLE_INDEX) || PROVENANCE.contains(labelColumn)
        || model.columns().contains(labelColumn)) {
      throw ConfigException.of("label_column", "must not reuse an output column name", labelColumn);
    }
    StructField f = field(requests.schema(), labelColumn, "the class label column (label_column)");
    if (!(f.dataType() instanceof IntegralType)) {
      throw InputDataException.of(labelColumn, "(the class label column) must have an integer type",
          f.dataType().simpleString());
    }
    String q = ColumnNames.quoted(labelColumn);
    List<Row> bad = requests.filter(col(q).lt(0).or(col(q).geq(k))).select(col(ColumnNames.quoted(idColumn)), col(q))
        .orderBy(col(ColumnNames.quoted(idColumn))).limit(1).collectAsList();
    if (!bad.isEmpty()) {
      throw InputDataException.of(labelColumn, "(the class label column) must hold a class in [0, " + k
          + ") or null (the unconditional model)", "id " + bad.get(0).get(0) + " has " + bad.get(0).get(1));
    }
    return col(q).cast("int");
  }

  private static Result sample(Dataset<Row> expanded, DataType idType, String idColumn, String labelColumn,
      RequestConditions conditions, int partitions, GaussianModelSpec model, GaussianSamplingSettings settings) {
    if (partitions < 1) {
      throw ConfigException.of("partitions", "must be >= 1", partitions);
    }
    checkNames(idColumn, model);
    settings.solver().build(); // refuse bad combinations on the driver, before any task
    if (settings.smc() != null && labelColumn == null) {
      throw ConfigException.of("smc/label_column", "corrects classifier-free guidance: it needs class-labelled "
          + "requests (label_column)", settings.smc().particles());
    }
    if (settings.guided() && labelColumn == null) {
      throw ConfigException.of("guidance_scale", "applies only to class-labelled requests (label_column); without "
          + "labels every sample comes from the unconditional model", settings.guidanceScale());
    }
    StructType out = new StructType().add(idColumn, idType, false).add(SAMPLE_INDEX, DataTypes.IntegerType, false);
    if (labelColumn != null) {
      out = out.add(labelColumn, DataTypes.IntegerType, true);
    }
    List<String> strings = model.oneHot().map(e -> e.categorical().stream().map(c -> c.name()).toList())
        .orElse(List.of());
    for (String c : model.columns()) {
      out = out.add(c, strings.contains(c) ? DataTypes.StringType : DataTypes.DoubleType, false);
    }
    out = out.add("nfe", DataTypes.IntegerType, false).add("solver", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false).add("seed", DataTypes.LongType, false);
    if (settings.smc() != null) {
      out = out.add(LINEAGE, DataTypes.IntegerType, false).add(ESS_MIN, DataTypes.DoubleType, false);
    }
    LongAccumulator calls = expanded.sparkSession().sparkContext().longAccumulator("diffuse model calls");
    Dataset<Row> rows = expanded.repartition(partitions, col(KEY), col(SAMPLE_INDEX));
    MapPartitionsFunction<Row, Row> runner = settings.smc() == null
        ? new GaussianSamplingRunner(model, settings, labelColumn != null, conditions, calls)
        : new FkcSamplingRunner(model, settings, calls);
    return new Result(rows.mapPartitions(runner, Encoders.row(out)), calls);
  }

  private static StructField field(StructType schema, String name, String what) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw InputDataException.of(name, "(" + what + ") must exist in the request table", "columns "
        + List.of(schema.fieldNames()));
  }

  private static void checkNames(String idColumn, GaussianModelSpec model) {
    List<String> fixed = new ArrayList<>(List.of(idColumn, SAMPLE_INDEX));
    fixed.addAll(PROVENANCE);
    for (String c : model.columns()) {
      if (fixed.contains(c)) {
        throw ConfigException.of("model.columns", "must not reuse an output column name " + fixed, c);
      }
    }
  }
}
