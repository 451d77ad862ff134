package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.spark.diffusion.ExportedDenoiserSpec;
import io.sampleforge.spark.diffusion.MixtureFit;
import io.sampleforge.spark.diffusion.MixtureModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code diffuse} job's {@code model} block. {@code type: gmm}: the exact Gaussian-mixture denoiser
 * of {@code weights}, {@code means} and {@code covariances} (full, K x D x D) or {@code variances}
 * (diagonal, K x D), in the output's units, with optional {@code columns} names (default x0, x1, ...).
 * {@code type: gmm-fit}: Spark MLlib's GaussianMixture fitted to the numeric {@code columns} of
 * {@code table} ({@code table_format}), standardised, with {@code components} (default 8),
 * {@code max_iter} (100) and {@code tol} (0.01, MLlib's defaults) and the job seed. {@code type:
 * torchscript | onnx}: an exported denoiser at {@code path} (local or a Hadoop URI) with the per-row
 * {@code shape} and its {@code prediction_type} (epsilon, sample, v_prediction; default epsilon).
 * {@code type: trained}: the model folder {@code dir} that train-denoiser wrote (its columns and schedule
 * come from the folder). Class-conditional models: {@code component_classes} (gmm: one class label per
 * component) or {@code num_classes} (torchscript/onnx: the conditional contract with K classes).
 */
public record DiffuseModelConfig(String type, List<String> columns, List<Double> weights, List<List<Double>> means,
    List<List<List<Double>>> covariances, List<List<Double>> variances, String table, TableFormat tableFormat,
    Integer components, Integer maxIter, Double tol, String path, List<Integer> shape, String predictionType,
    String dir, List<Integer> componentClasses, Integer numClasses) {

  /** The model types. */
  public enum Type {
    GMM("gmm"),
    GMM_FIT("gmm-fit"),
    TORCHSCRIPT("torchscript"),
    ONNX("onnx"),
    TRAINED("trained");

    private final String id;

    Type(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Type parse(String value) {
      String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      for (Type t : values()) {
        if (t.id.equals(v)) {
          return t;
        }
      }
      throw ConfigException.of("model.type", "must be one of [gmm, gmm-fit, torchscript, onnx, trained]", value);
    }
  }

  public DiffuseModelConfig {
    Type t = Type.parse(type);
    type = t.id();
    Map<String, Object> foreign = new LinkedHashMap<>();
    if (t != Type.TORCHSCRIPT && t != Type.ONNX) {
      put(foreign, "model.path", path);
      put(foreign, "model.shape", shape);
      put(foreign, "model.prediction_type", predictionType);
      put(foreign, "model.num_classes", numClasses);
    }
    if (t != Type.TRAINED) {
      put(foreign, "model.dir", dir);
    } else {
      put(foreign, "model.columns", columns);
      if (dir == null || dir.isBlank()) {
        throw ConfigException.of("model.dir", "must name the folder train-denoiser wrote (type trained)", dir);
      }
    }
    if (t != Type.GMM_FIT) {
      put(foreign, "model.table", table);
      put(foreign, "model.table_format", tableFormat);
      put(foreign, "model.components", components);
      put(foreign, "model.max_iter", maxIter);
      put(foreign, "model.tol", tol);
    }
    if (t != Type.GMM) {
      put(foreign, "model.weights", weights);
      put(foreign, "model.means", means);
      put(foreign, "model.covariances", covariances);
      put(foreign, "model.variances", variances);
      put(foreign, "model.component_classes", componentClasses);
    }
    if (t == Type.TORCHSCRIPT || t == Type.ONNX) {
      if (path == null || path.isBlank()) {
        throw ConfigException.of("model.path", "must name the exported denoiser file (type " + t.id() + ")", path);
      }
      if (shape == null || shape.isEmpty()) {
        throw ConfigException.of("model.shape", "must give the per-row shape, e.g. [8] for a table or [3, 32, 32]",
            shape);
      }
      rowShape(shape);
      if (numClasses != null && numClasses < 0) {
        throw ConfigException.of("model.num_classes", "must be >= 0 (0: the unconditional contract)", numClasses);
      }
      predictionType = predictionType == null ? PredictionType.EPSILON.id()
          : PredictionType.parse("model.prediction_type", predictionType).id();
    }
    if (t == Type.GMM_FIT) {
      if (table == null || table.isBlank()) {
        throw ConfigException.of("model.table", "must name the table to fit (type gmm-fit)", table);
      }
      if (columns == null || columns.isEmpty()) {
        throw ConfigException.of("model.columns", "must name the numeric columns to fit (type gmm-fit)", columns);
      }
      tableFormat = tableFormat == null ? TableFormat.ofPath(table) : tableFormat;
      components = components == null ? 8 : components;
      maxIter = maxIter == null ? 100 : maxIter;
      tol = tol == null ? 0.01 : tol;
      new MixtureFit.Settings(components, maxIter, tol, 0L); // validates
    }
    if (!foreign.isEmpty()) {
      throw ConfigException.of(foreign.keySet().iterator().next(), "does not apply to model.type " + t.id()
          + " (keys of another model type: " + foreign.keySet() + ")", "set");
    }
    columns = columns == null ? null : List.copyOf(columns);
    if (componentClasses != null && componentClasses.contains(null)) {
      throw ConfigException.of("model.component_classes", "must hold class labels, not null", componentClasses);
    }
    componentClasses = componentClasses == null ? null : List.copyOf(componentClasses);
    if (t == Type.GMM) {
      mixture(columns, weights, means, covariances, variances, componentClasses); // validates
    }
  }

  /** Whether the model takes class labels (component classes or a conditional contract). */
  public boolean conditional() {
    return componentClasses != null || (numClasses != null && numClasses > 0);
  }

  /** K of an exported conditional model (0: unconditional). */
  public int exportedClasses() {
    return numClasses == null ? 0 : numClasses;
  }

  /** The per-row shape of an exported model. */
  public int[] rowShape() {
    return rowShape(shape);
  }

  private static int[] rowShape(List<Integer> shape) {
    if (shape.contains(null)) {
      throw ConfigException.of("model.shape", "must hold sizes >= 1", shape);
    }
    int[] sizes = shape.stream().mapToInt(Integer::intValue).toArray();
    ExportedDenoiserSpec.checkShape(sizes);
    return sizes;
  }

  public Type kind() {
    return Type.parse(type);
  }

  /** The mixture of a {@code type: gmm} model (validated). */
  public MixtureModelSpec spec() {
    return mixture(columns, weights, means, covariances, variances, componentClasses);
  }

  private static MixtureModelSpec mixture(List<String> columns, List<Double> weights, List<List<Double>> means,
      List<List<List<Double>>> covariances, List<List<Double>> variances, List<Integer> componentClasses) {
    if (weights == null || means == null) {
      throw ConfigException.of(weights == null ? "model.weights" : "model.means", "is required for model.type gmm", null);
    }
    double[] w = weights.stream().mapToDouble(ConfigNumbers::value).toArray();
    double[][] m = matrix("model.means", means);
    double[][][] c = null;
    if (covariances != null) {
      c = new double[covariances.size()][][];
      for (int k = 0; k < c.length; k++) {
        c[k] = matrix("model.covariances[" + k + "]", covariances.get(k));
      }
    }
    double[][] v = variances == null ? null : matrix("model.variances", variances);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("type", "gmm");
    int[] classes = componentClasses == null ? null : componentClasses.stream().mapToInt(Integer::intValue).toArray();
    return new MixtureModelSpec(columns, w, m, c, v, null, source, classes);
  }

  /** The fit settings of a {@code type: gmm-fit} model with the job seed. */
  public MixtureFit.Settings fitSettings(long seed) {
    return new MixtureFit.Settings(components, maxIter, tol, seed);
  }

  private static double[][] matrix(String key, List<List<Double>> rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      if (rows.get(i) == null) {
        throw ConfigException.of(key + "[" + i + "]", "must be a list of numbers", null);
      }
      out[i] = rows.get(i).stream().mapToDouble(ConfigNumbers::value).toArray();
    }
    return out;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /** A YAML null inside a list of numbers. */
  private static final class ConfigNumbers {
    static double value(Double d) {
      if (d == null) {
        throw ConfigException.of("model", "lists of numbers must not hold null", null);
      }
      return d;
    }
  }
}
