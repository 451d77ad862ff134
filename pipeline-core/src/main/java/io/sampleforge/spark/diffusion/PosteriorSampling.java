package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.common.RecordKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code posterior} job's stage: for every row of a measurement table (the {@code corrupt} job's
 * output, or the user's own with the same columns), S samples of the clean row x given its measurement
 * y = A x + eta under an exact Gaussian-mixture prior ({@link GaussianModelSpec#exactPrior}: {@code
 * gmm} or {@code gmm-fit}; every sampler) or a network prior (exported TorchScript or trained MLP: tds and dps
 * through DJL autograd, and replace; ONNX: replace only, {@link GaussianModelSpec#notDifferentiable}). The row's operator is rebuilt from the config's operator block ({@link
 * Corruption#operator}) and the row's {@code observed} flags (without that column: a cell is observed
 * when it is not null). Samplers ({@link PosteriorSettings.Kind}): {@code tds}, the twisted diffusion
 * sampler (Wu et al., NeurIPS 2023) with K particles per row and the closed-form Jacobian of the GMM
 * denoiser, S draws from the final weighted particles; {@code exact}, S draws from the closed-form
 * posterior ({@code ExactPosterior}), the oracle; {@code dps} (Chung et al., ICLR 2023; biased by design)
 * and {@code replace} (RePaint, Lugmayr et al., CVPR 2022, for exact masks only; biased unless the
 * missing cells are independent of the observed ones), S samples per row directly. Everything runs in the model's space: under a
 * standardised prior (data = mean + scale z) the operator becomes y - A mean = (A diag(scale)) z + eta,
 * a dense linear map with the same isotropic noise, which is exact for noise, mask and linear operators.
 * Draws are keyed by (xxhash64(id), ...), so a row's samples do not depend on partitioning or batching.
 *
 * <p>Output columns: the id column (its type), {@code sample_index}, the prior's value columns (table
 * units), {@code residual} (|y - A x| over the observed values, table units), {@code nfe} (denoiser
 * calls per sample row: N for tds (on its K particles) and dps, N + (r - 1) j floor((N - 1) / j) for replace, 0
 * for exact), {@code ess_min} (tds: the row's smallest ESS over
 * the steps as a fraction of K; null for exact), {@code sampler} (JSON) and {@code seed}. Bad input: a
 * measurement whose columns do not fit the operator and prior is a {@link ConfigException} (exit 2)
 * before any task; a row whose mask hides every cell (unless {@code unobserved_rows: prior}: S prior draws), a non-finite observed value or an {@code observed}
 * array of the wrong length is an {@link InputDataException} (exit 3) naming the row id; replace with another
 * operator than an exact mask exits 2 naming operator.type (operator.sigma_y). Cost: dps N linearisations
 * and vector-Jacobian products on (rows per batch x S) rows; replace that many model calls without
 * products (see nfe); tds N
 * denoiser linearisations and vector-Jacobian products on (rows per batch x K) particles, O(K (D^3 + m D))
 * per row and step; exact O(C (D^2 m + D m^2 + m^3 + D^3)) per row for C components.
 */
public final class PosteriorSampling {
  /** The summary output's column of samples per row. */
  public static final String SAMPLES = "samples";
  /** The summary output's suffix of a column's posterior variance. */
  public static final String VARIANCE_SUFFIX = "_var";
  /** The summary output's suffix of a column's 5 % point. */
  public static final String LOWER_SUFFIX = "_q05";
  /** The summary output's suffix of a column's 95 % point. */
  public static final String UPPER_SUFFIX = "_q95";
  /** The output column of sample indices. */
  public static final String SAMPLE_INDEX = "sample_index";
  /** The output column of measurement residuals. */
  public static final String RESIDUAL = "residual";
  /** The output column of denoiser calls per row. */
  public static final String NFE = "nfe";
  /** The output column of the row's smallest ESS fraction (tds). */
  public static final String ESS_MIN = "ess_min";
  static final String KEY = "__sf_key";
  static final String FLAGS = "__sf_observed";
  static final String SIGMA = "__sf_sigma";

  private PosteriorSampling() {}

  /**
   * The lazy output, its value columns, the accumulator of denoiser calls and that of rows with no
   * observed cell drawn from the prior ({@code unobserved_rows: prior}).
   */
  public record Result(Dataset<Row> output, List<String> valueColumns, List<String> measuredColumns,
      LongAccumulator modelCalls, LongAccumulator unobservedRows) {}

  /**
   * The names of the measured value columns: the prior's columns (noise, mask, blur) or y0 .. y(m-1)
   * (linear, downsample).
   */
  public static List<String> measuredColumns(GaussianModelSpec prior, Corruption operator) {
    int d = prior.dimension();
    if (operator.kind() == CorruptionKind.BLUR || operator.kind() == CorruptionKind.DOWNSAMPLE
        || operator.sparse() != null) {
      int m = operator.outputDimension(d); // names operator.shape when C H W is not D
      if (operator.measuresPerColumn()) {
        return prior.columns();
      }
      List<String> names = new ArrayList<>();
      for (int j = 0; j < m; j++) {
        names.add("y" + j);
      }
      return names;
    }
    if (operator.kind() == CorruptionKind.LINEAR) {
      int m = operator.matrix().length;
      if (operator.matrix()[0].length != d) {
        throw ConfigException.of("operator.matrix", "must have one column per prior dimension (D = " + d + ", the "
            + "prior's columns " + prior.columns() + ")", operator.matrix()[0].length + " columns");
      }
      List<String> names = new ArrayList<>();
      for (int j = 0; j < m; j++) {
        names.add("y" + j);
      }
      return names;
    }
    return prior.columns();
  }

  /** The posterior samples of every measured row (validated now; lazy). */
  public static Result sample(Dataset<Row> measurements, String idColumn, GaussianModelSpec prior, Corruption operator,
      PosteriorSettings settings, Integer partitions) {
    return sample(measurements, idColumn, prior, operator, settings, partitions, PosteriorRows.SAMPLES, null);
  }

  /**
   * The posterior samples of every measured row, or with {@link PosteriorRows#SUMMARY} one summary row per
   * measured row (validated now; lazy).
   */
  public static Result sample(Dataset<Row> measurements, String idColumn, GaussianModelSpec prior, Corruption operator,
      PosteriorSettings settings, Integer partitions, PosteriorRows outputRows, String sigmaColumn) {
    if (sigmaColumn != null && settings.sampler() == PosteriorSettings.Kind.REPLACE) {
      throw ConfigException.of("sigma_y_column", "does not apply to sampler replace (it copies exact observed cells: "
          + "sigma_y 0)", sigmaColumn);
    }
    if (outputRows == PosteriorRows.SUMMARY && settings.samples() < 2) {
      throw ConfigException.of("samples", "must be >= 2 for output_rows summary (a variance and an interval need two "
          + "samples)", settings.samples());
    }
    boolean exact = prior instanceof MixtureModelSpec && prior.exactPrior().isPresent();
    if (prior.oneHot().isPresent() || prior.numClasses() > 0
        || !exact && settings.sampler() == PosteriorSettings.Kind.EXACT) {
      throw ConfigException.of("model.type", "must be an unconditional exact Gaussian mixture (gmm or gmm-fit) for "
          + "sampler exact, or an unconditional numeric network (torchscript, onnx or trained) for the diffusion "
          + "samplers", prior.identity().get("type"));
    }
    boolean gradient = settings.sampler() == PosteriorSettings.Kind.TDS
        || settings.sampler() == PosteriorSettings.Kind.DPS;
    if (!exact && gradient && prior.notDifferentiable() != null) {
      throw ConfigException.of("model.type", "must be a prior the gradient can go through for sampler "
          + settings.sampler().id() + " (gmm, gmm-fit, torchscript or trained): " + prior.notDifferentiable()
          + "; sampler replace needs no gradient", prior.identity().get("type"));
    }
    if (!exact && settings.unobserved() == PosteriorSettings.Unobserved.PRIOR) {
      throw ConfigException.of("unobserved_rows", "must be fail for a prior that is not an exact mixture (prior draws "
          + "need one)", settings.unobserved().id());
    }
    if (settings.sampler() == PosteriorSettings.Kind.TDS && !(operator.sigmaY() > 0) && sigmaColumn == null) {
      throw ConfigException.of("operator.sigma_y", "must be > 0 for sampler tds (its weights need the likelihood's "
          + "density; use sampler exact for exact measurements)", operator.sigmaY());
    }
    checkReplace(settings, operator);
    StructType schema = measurements.schema();
    StructField idField = field(schema, idColumn);
    if (idField == null) {
      throw InputDataException.of(idColumn, "(the id column, id_column) must exist in the measurement table",
          "columns " + List.of(schema.fieldNames()));
    }
    List<String> measured = measuredColumns(prior, operator);
    String widthKey = operator.widthKey();
    for (String c : measured) {
      StructField f = field(schema, c);
      if (f == null) {
        throw ConfigException.of(widthKey, "must fit the measurement: operator.type " + operator.kind().id()
            + " reads the measured columns " + measured + ", but the table has no column '" + c + "'",
            "table columns " + List.of(schema.fieldNames()));
      }
      if (!(f.dataType() instanceof NumericType)) {
        throw InputDataException.of(c, "(a measured column) must be numeric", f.dataType().simpleString());
      }
    }
    if (!operator.measuresPerColumn() && field(schema, "y" + measured.size()) != null) {
      throw ConfigException.of(widthKey, "must fit the measurement: the table has a column y" + measured.size()
          + " beyond the operator's " + measured.size() + " measured values", measured.size() + " values");
    }
    StructField flags = field(schema, io.sampleforge.spark.diffusion.Corrupting.OBSERVED);
    boolean jsonFlags = flags != null && flags.dataType().equals(DataTypes.StringType); // corrupt's CSV/TSV output
    if (flags != null && !jsonFlags
        && !(flags.dataType() instanceof ArrayType a && a.elementType().equals(DataTypes.BooleanType))) {
      throw InputDataException.of(Corrupting.OBSERVED, "must be an array of booleans (one per measured value; in CSV: "
          + "its JSON text)",
          flags.dataType().simpleString());
    }
    if (measured.contains(idColumn)) {
      throw ConfigException.of("id_column", "must not be a measured column", idColumn);
    }
    StructType out = new StructType().add(idColumn, idField.dataType(), false)
        .add(outputRows == PosteriorRows.SUMMARY ? SAMPLES : SAMPLE_INDEX, DataTypes.IntegerType, false);
    for (String c : prior.columns()) {
      out = out.add(c, DataTypes.DoubleType, false);
    }
    if (outputRows == PosteriorRows.SUMMARY) {
      for (String suffix : List.of(VARIANCE_SUFFIX, LOWER_SUFFIX, UPPER_SUFFIX)) {
        for (String c : prior.columns()) {
          out = out.add(c + suffix, DataTypes.DoubleType, false);
        }
      }
    }
    out = out.add(RESIDUAL, DataTypes.DoubleType, false).add(NFE, DataTypes.IntegerType, false)
        .add(ESS_MIN, DataTypes.DoubleType, true).add("sampler", DataTypes.StringType, false)
        .add("seed", DataTypes.LongType, false);
    List<String> names = List.of(out.fieldNames());
    if (names.stream().distinct().count() != names.size()) {
      throw ConfigException.of("model.columns", "must not collide with the id or output columns " + names,
          prior.columns());
    }
    RecordKeys.requireUniqueIds(measurements, idColumn);
    String id = ColumnNames.quoted(idColumn);
    List<Column> select = new ArrayList<>();
    select.add(col(id));
    select.add(xxhash64(col(id)).as(KEY));
    for (String c : measured) {
      select.add(col(ColumnNames.quoted(c)).cast("double"));
    }
    Column observed = jsonFlags ? org.apache.spark.sql.functions.from_json(col(Corrupting.OBSERVED),
        DataTypes.createArrayType(DataTypes.BooleanType)) : col(Corrupting.OBSERVED);
    select.add(flags == null ? lit(null).cast("array<boolean>").as(FLAGS) : observed.as(FLAGS));
    if (sigmaColumn != null) {
      StructField sf = field(schema, sigmaColumn);
      if (sf == null) {
        throw ConfigException.of("sigma_y_column", "must name a column of the measurement table",
            sigmaColumn + "; table columns " + List.of(schema.fieldNames()));
      }
      if (!(sf.dataType() instanceof NumericType)) {
        throw InputDataException.of(sigmaColumn, "(the per-row noise column, sigma_y_column) must be numeric",
            sf.dataType().simpleString());
      }
      if (measured.contains(sigmaColumn) || sigmaColumn.equals(idColumn)) {
        throw ConfigException.of("sigma_y_column", "must not be the id or a measured column", sigmaColumn);
      }
      select.add(col(ColumnNames.quoted(sigmaColumn)).cast("double").as(SIGMA));
    }
    Dataset<Row> rows = measurements.select(select.toArray(new Column[0]));
    if (partitions != null) {
      rows = rows.repartition(partitions, col(KEY));
    }
    LongAccumulator calls = measurements.sparkSession().sparkContext().longAccumulator("posterior model calls");
    LongAccumulator unobserved = measurements.sparkSession().sparkContext().longAccumulator("posterior unobserved rows");
    Dataset<Row> output = rows.mapPartitions(new PosteriorSamplingRunner(prior, operator,
        settings, measured.size(), calls, unobserved, outputRows, sigmaColumn != null), Encoders.row(out));
    return new Result(output, prior.columns(), measured, calls, unobserved);
  }

  /**
   * sampler replace copies the observed cells: it needs operator.type mask (exit 2 naming operator.type) with
   * sigma_y 0 (naming operator.sigma_y), checked before any task.
   */
  public static void checkReplace(PosteriorSettings settings, Corruption operator) {
    if (settings.sampler() != PosteriorSettings.Kind.REPLACE) {
      return;
    }
    if (operator.kind() != CorruptionKind.MASK) {
      throw ConfigException.of("operator.type", "must be mask for sampler replace (it copies the observed cells; use "
          + "dps, tds or exact for other operators)", operator.kind().id());
    }
    if (operator.sigmaY() != 0) {
      throw ConfigException.of("operator.sigma_y", "must be 0 for sampler replace (RePaint copies the observed cells "
          + "exactly; use tds or exact for a noisy mask)", operator.sigmaY());
    }
  }

  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
