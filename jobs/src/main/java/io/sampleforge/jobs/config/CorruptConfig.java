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
 * the {@code operator} ({@code type} noise | mask | linear, {@code sigma_y}, {@code mask_rate}, {@code
 * matrix}); {@code clean_fraction} (rows kept uncorrupted), {@code keep_clean} (write the clean values
 * too, for evaluation) and the {@code seed}.
 */
public record CorruptConfig(String input, TableFormat inputFormat, String output, WriteMode mode, TableFormat format,
    String idColumn, List<String> columns, OperatorConfig operator, Double cleanFraction, Boolean keepClean, Long seed)
    implements JobTarget {

  /** The measurement operator. */
  public record OperatorConfig(String type, Double sigmaY, Double maskRate, List<List<Double>> matrix) {}

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
    if (operator == null) {
      throw ConfigException.of("operator", "is required (operator.type: noise, mask or linear)", null);
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
    CorruptionKind kind = CorruptionKind.parse("operator.type", o.type());
    double[][] matrix = null;
    if (o.matrix() != null) {
      matrix = new double[o.matrix().size()][];
      for (int i = 0; i < matrix.length; i++) {
        List<Double> row = o.matrix().get(i);
        if (row == null || row.contains(null)) {
          throw ConfigException.of("operator.matrix[" + i + "]", "must be a list of numbers", row);
        }
        matrix[i] = row.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
    double sigma = o.sigmaY() != null ? o.sigmaY() : kind == CorruptionKind.NOISE ? 0.1 : 0.0;
    double rate = o.maskRate() != null ? o.maskRate() : kind == CorruptionKind.MASK ? 0.2 : 0.0;
    return new Corruption(kind, sigma, rate, matrix, cleanFraction);
  }

  @Override
  public Map<String, String> inputLocations() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("input", input);
    return m;
  }
}
