package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.errors.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code corrupt} job's config (conf/jobs/corrupt.yaml documents every key), validated on
 * construction: the clean {@code input} table, its {@code id_column} and numeric value {@code columns};
 * the {@code operator} ({@code type} noise | mask | linear | blur | downsample, {@code sigma_y}, {@code
 * mask_rate}, {@code matrix}, {@code shape}, {@code kernel}, {@code size}, {@code blur_sigma}, {@code factor}); {@code clean_fraction} (rows kept uncorrupted), {@code keep_clean} (write the clean values
 * too, for evaluation) and the {@code seed}.
 */
public record CorruptConfig(String input, TableFormat inputFormat, String output, WriteMode mode, TableFormat format,
    String idColumn, List<String> columns, OperatorConfig operator, Double cleanFraction, Boolean keepClean, Long seed,
    Map<String, String> columnTypes) implements JobTarget {

  /**
   * The measurement operator ({@code posterior} reads the same block): {@code type}, {@code sigma_y},
   * {@code mask_rate} (mask), {@code matrix} or {@code matrix_file} (linear; {@link MatrixFile}), {@code shape} [C, H, W] (blur, downsample), {@code
   * kernel}, {@code size}, {@code blur_sigma} (blur), {@code factor} (downsample).
   */
  public record OperatorConfig(String type, Double sigmaY, Double maskRate, List<List<Double>> matrix,
      String matrixFile, List<Integer> shape, String kernel, Integer size, Double blurSigma, Integer factor) {

    /** The corruption these keys describe ({@code mask_rate} read only when {@code withRate}). */
    public Corruption corruption(double cleanFraction, boolean withRate) {
      CorruptionKind kind = CorruptionKind.parse("operator.type", type);
      double[][] a = null;
      if (matrix != null) {
        a = new double[matrix.size()][];
        for (int i = 0; i < a.length; i++) {
          List<Double> row = matrix.get(i);
          if (row == null || row.contains(null)) {
            throw ConfigException.of("operator.matrix[" + i + "]", "must be a list of numbers", row);
          }
          a[i] = row.stream().mapToDouble(Double::doubleValue).toArray();
        }
      }
      io.sampleforge.diffusion.posterior.SparseMatrix sparse = null;
      if (matrixFile != null) {
        if (kind != CorruptionKind.LINEAR) {
          throw ConfigException.of("operator.matrix_file", "applies to operator.type linear only", matrixFile);
        }
        if (a != null) {
          throw ConfigException.of("operator.matrix_file", "cannot be set together with operator.matrix", matrixFile);
        }
        sparse = MatrixFile.read(matrixFile);
      }
      double sigma = sigmaY != null ? sigmaY : kind == CorruptionKind.NOISE ? 0.1 : 0.0;
      boolean imageKind = kind == CorruptionKind.BLUR || kind == CorruptionKind.DOWNSAMPLE;
      if (!imageKind && (shape != null || kernel != null || size != null || blurSigma != null || factor != null)) {
        throw ConfigException.of(shape != null ? "operator.shape" : kernel != null ? "operator.kernel" : size != null
            ? "operator.size" : blurSigma != null ? "operator.blur_sigma" : "operator.factor",
            "applies to operator.type blur and downsample only", "set");
      }
      if (kind == CorruptionKind.BLUR && factor != null) {
        throw ConfigException.of("operator.factor", "applies to operator.type downsample only", factor);
      }
      if (kind == CorruptionKind.DOWNSAMPLE && (kernel != null || size != null || blurSigma != null)) {
        throw ConfigException.of(kernel != null ? "operator.kernel" : size != null ? "operator.size"
            : "operator.blur_sigma", "applies to operator.type blur only", "set");
      }
      if (imageKind) {
        io.sampleforge.diffusion.posterior.ImageMap map = new io.sampleforge.diffusion.posterior.ImageMap(kind,
            io.sampleforge.diffusion.posterior.ImageMap.shape(shape),
            io.sampleforge.diffusion.posterior.BlurKernel.parse("operator.kernel", kernel), size == null ? 3 : size,
            blurSigma == null ? 1.0 : blurSigma, factor == null ? 2 : factor);
        return Corruption.image(map, sigma, cleanFraction);
      }
      double rate = withRate && maskRate != null ? maskRate : withRate && kind == CorruptionKind.MASK ? 0.2 : 0.0;
      return new Corruption(kind, sigma, rate, a, cleanFraction, null, sparse);
    }
  }

  public CorruptConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name the clean table (Parquet or CSV)", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    if (columns == null || columns.isEmpty() || columns.stream().anyMatch(java.util.Objects::isNull)) {
      throw ConfigException.of("columns", "must name the numeric value columns to corrupt", columns);
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw ConfigException.of("columns", "must be distinct", columns);
    }
    columns = List.copyOf(columns);
    columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
    ColumnType.parseAll(columnTypes);
    if (operator == null) {
      throw ConfigException.of("operator", "is required (operator.type: noise, mask, linear, blur or downsample)", null);
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    format = format == null ? TableFormat.PARQUET : format;
    cleanFraction = cleanFraction == null ? 0.0 : cleanFraction;
    keepClean = keepClean != null && keepClean;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    corruption(operator, cleanFraction).outputDimension(columns.size()); // validates, matrix width included
  }

  /** The corruption, validated. */
  public Corruption corruption() {
    return corruption(operator, cleanFraction);
  }

  private static Corruption corruption(OperatorConfig o, double cleanFraction) {
    return o.corruption(cleanFraction, true);
  }

  @Override
  public Map<String, String> inputLocations() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("input", input);
    return m;
  }

  /** CSV/TSV columns read without an inference pass: the measured columns as double, {@code column_types} as declared. */
  public io.sampleforge.jobs.io.CsvColumns csvColumns() {
    return io.sampleforge.jobs.io.CsvColumns.of(columns, ColumnType.parseAll(columnTypes));
  }
}
