package io.sampleforge.spark.diffusion;

import ai.djl.Device;
import io.sampleforge.diffusion.continuous.ConditionalDenoiser;
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
 * device. With {@code numClasses} K > 0 ({@code model.num_classes}) the class-conditional contract
 * applies: {@link DenoiserHandle#conditional()} takes labels 0 .. K - 1, and the unconditional model is the
 * null class K. Cost: one load per JVM and device.
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
  private final int numClasses;

  private ExportedDenoiserSpec(ModelFormat format, ModelFiles files, String path, RowShape shape,
      PredictionType prediction, List<String> columns, String fileIdentity, int numClasses) {
    this.numClasses = numClasses;
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

  /** An unconditional model ({@code numClasses} 0). */
  public static ExportedDenoiserSpec of(ModelFormat format, ModelFiles files, String path, int[] sizes,
      PredictionType prediction, List<String> columns) {
    return of(format, files, path, sizes, prediction, columns, 0);
  }

  /**
   * Validates the keys and probes the file on the driver; {@code sizes} is the per-row shape, {@code
   * numClasses} K the number of classes of the conditional contract (0: unconditional).
   */
  public static ExportedDenoiserSpec of(ModelFormat format, ModelFiles files, String path, int[] sizes,
      PredictionType prediction, List<String> columns, int numClasses) {
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
        prediction, numClasses, Device.cpu())) {
      identity = probe.identity();
    }
    return new ExportedDenoiserSpec(format, files, path, shape, prediction, names, identity, numClasses);
  }

  @Override
  public int numClasses() {
    return numClasses;
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
    if (numClasses > 0) {
      m.put("classes", numClasses);
    }
    return m;
  }

  /** A TorchScript model can be differentiated (PyTorch autograd); ONNX Runtime has no autograd. */
  @Override
  public String notDifferentiable() {
    return format == ModelFormat.TORCHSCRIPT ? null : "an " + format.configName() + " model runs on ONNX Runtime, "
        + "which has no autograd (export the network to torchscript)";
  }

  @Override
  public DenoiserHandle open() {
    TaskDevices.configureThreads();
    ExportedGaussianDenoiser d = ExportedGaussianDenoiser.shared(format, files.local("model.path", path), shape,
        prediction, numClasses, TaskDevices.current());
    return new DenoiserHandle() {
      private io.sampleforge.model.AutogradDenoiser grad;

      @Override
      public Denoiser denoiser() {
        return d;
      }

      @Override
      public io.sampleforge.diffusion.posterior.DifferentiableDenoiser differentiable() {
        if (grad == null) {
          grad = d.differentiable();
        }
        return grad;
      }

      @Override
      public ConditionalDenoiser conditional() {
        if (numClasses == 0) {
          return DenoiserHandle.super.conditional();
        }
        return d;
      }

      @Override
      public void close() {
        if (grad != null) {
          grad.close();
        }
        d.close();
      }
    };
  }
}
