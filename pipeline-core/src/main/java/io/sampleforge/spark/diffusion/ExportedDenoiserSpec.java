package io.sampleforge.spark.diffusion;

import ai.djl.Device;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.ExportedGaussianDenoiser;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.RowShape;
import io.sampleforge.spark.common.TaskDevices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported Gaussian denoiser (TorchScript or ONNX under the exported denoiser contract, {@link
 * ExportedGaussianDenoiser}; docs/continuous.md "Exported denoiser contract") as the model of the
 * {@code diffuse} stage: the file by path (local or a Hadoop URI, copied once per JVM by the {@link
 * ModelFiles} given), the per-row shape, the prediction type and the output column names. {@link #of}
 * loads and probes the model on the driver's CPU (shape and contract errors are exit 2 there, before
 * any task); each task opens a predictor over the per-JVM model on its {@link TaskDevices#current()}
 * device. Unconditional contract only (class labels: not yet wired). Cost: one load per JVM and device.
 */
public final class ExportedDenoiserSpec implements GaussianModelSpec {
  private static final long serialVersionUID = 1L;
  private final ModelFormat format;
  private final ModelFiles files;
  private final String path;
  private final RowShape shape;
  private final PredictionType prediction;
  private final List<String> columns;
  private final String fileIdentity;

  private ExportedDenoiserSpec(ModelFormat format, ModelFiles files, String path, RowShape shape,
      PredictionType prediction, List<String> columns, String fileIdentity) {
    this.format = format;
    this.files = files;
    this.path = path;
    this.shape = shape;
    this.prediction = prediction;
    this.columns = columns;
    this.fileIdentity = fileIdentity;
  }

  /** Checks a per-row shape ({@code model.shape}: 1 to 4 sizes >= 1, at most 2^31 - 1 values). */
  public static void checkShape(int[] sizes) {
    RowShape.of(sizes);
  }

  /** Validates the keys and probes the file on the driver; {@code sizes} is the per-row shape. */
  public static ExportedDenoiserSpec of(ModelFormat format, ModelFiles files, String path, int[] sizes,
      PredictionType prediction, List<String> columns) {
    RowShape shape = RowShape.of(sizes);
    List<String> names = columns == null || columns.isEmpty() ? MixtureModelSpec.defaultColumns(shape.dimension())
        : List.copyOf(columns);
    if (names.size() != shape.dimension()) {
      throw ConfigException.of("model.columns", "must name one column per value of model.shape " + shape + " ("
          + shape.dimension() + ")", names);
    }
    if (names.stream().distinct().count() != names.size()) {
      throw ConfigException.of("model.columns", "must be distinct", names);
    }
    TaskDevices.configureThreads();
    String identity;
    try (ExportedGaussianDenoiser probe = ExportedGaussianDenoiser.load(format, files.local("model.path", path), shape,
        prediction, 0, Device.cpu())) {
      identity = probe.identity();
    }
    return new ExportedDenoiserSpec(format, files, path, shape, prediction, names, identity);
  }

  @Override
  public int dimension() {
    return shape.dimension();
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public Standardisation standardisation() {
    return Standardisation.identity(shape.dimension());
  }

  @Override
  public Map<String, Object> identity() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", format.configName());
    m.put("file", fileIdentity);
    m.put("shape", shape.toString());
    m.put("prediction_type", prediction.id());
    return m;
  }

  @Override
  public DenoiserHandle open() {
    TaskDevices.configureThreads();
    ExportedGaussianDenoiser d = ExportedGaussianDenoiser.shared(format, files.local("model.path", path), shape,
        prediction, 0, TaskDevices.current());
    return new DenoiserHandle() {
      @Override
      public Denoiser denoiser() {
        return d;
      }

      @Override
      public void close() {
        d.close();
      }
    };
  }
}
