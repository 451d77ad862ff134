package io.sampleforge.jobs.config;

import io.sampleforge.coreset.CoresetMethod;
import io.sampleforge.coreset.CoresetSampling;
import io.sampleforge.coreset.CoresetSettings;
import io.sampleforge.coreset.CoresetSketch;
import io.sampleforge.errors.ConfigException;
import java.util.List;
import java.util.Map;

/**
 * The {@code coreset} job's config (conf/jobs/coreset.yaml documents every key), validated on
 * construction into {@link CoresetSettings}.
 */
public record CoresetJobConfig(String input, TableFormat inputFormat, String output, WriteMode mode,
    List<String> features, String idColumn, String method, Double p, Long m, String sampling, Long seed, Double lambda,
    Integer maxIterations, Double tolerance, String sketch, Integer sketchRows, Boolean sketchCheck,
    Map<String, String> columnTypes) implements JobTarget {

  public CoresetJobConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name a Parquet or CSV path", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    features = features == null ? List.of() : List.copyOf(features);
    columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
    ColumnType.parseAll(columnTypes);
    method = method == null ? CoresetSettings.Defaults.METHOD : method;
    p = p == null ? CoresetSettings.Defaults.P : p;
    if (m == null) {
      throw ConfigException.of("m", "must be set: the sample size (expected size under poisson, draws with replacement)", null);
    }
    sampling = sampling == null ? CoresetSettings.Defaults.SAMPLING : sampling;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    maxIterations = maxIterations == null ? CoresetSettings.Defaults.MAX_ITERATIONS : maxIterations;
    tolerance = tolerance == null ? CoresetSettings.Defaults.TOLERANCE : tolerance;
    sketch = sketch == null ? CoresetSettings.Defaults.SKETCH : sketch;
    sketchRows = sketchRows == null ? CoresetSettings.Defaults.SKETCH_ROWS : sketchRows;
    sketchCheck = sketchCheck == null ? CoresetSettings.Defaults.SKETCH_CHECK : sketchCheck;
    build(features, idColumn, method, p, m, sampling, seed, lambda, maxIterations, tolerance, sketch, sketchRows, sketchCheck);
  }

  /** CSV/TSV columns read without an inference pass: the features as double, {@code column_types} as declared. */
  public io.sampleforge.jobs.io.CsvColumns csvColumns() {
    return io.sampleforge.jobs.io.CsvColumns.of(features, ColumnType.parseAll(columnTypes));
  }

  /** The stage settings (validated). */
  public CoresetSettings settings() {
    return build(features, idColumn, method, p, m, sampling, seed, lambda, maxIterations, tolerance, sketch, sketchRows,
        sketchCheck);
  }

  private static CoresetSettings build(List<String> features, String idColumn, String method, double p, long m,
      String sampling, long seed, Double lambda, int maxIterations, double tolerance, String sketch, int sketchRows,
      boolean sketchCheck) {
    return new CoresetSettings(features, idColumn, CoresetMethod.parse(method), p, m, CoresetSampling.parse(sampling), seed,
        lambda, maxIterations, tolerance, CoresetSketch.parse(sketch), sketchRows, sketchCheck);
  }

  @Override
  public Map<String, String> inputLocations() {
    return Map.of("input", input);
  }
}
