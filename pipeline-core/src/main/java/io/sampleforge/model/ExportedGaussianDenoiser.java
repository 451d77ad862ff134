package io.sampleforge.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Gaussian diffusion network exported to TorchScript (DJL's PyTorch engine) or ONNX (DJL's
 * OnnxRuntime engine), as a {@link Denoiser} for the solvers of {@code diffusion.continuous}.
 * Export contract (docs/continuous.md, "Exported denoiser contract"; the same for both formats,
 * inputs taken by position): {@code forward(x float32 [B, *shape], t float32 [B]) -> float32 [B,
 * *shape]}, the prediction of the declared {@link PredictionType} (eps, x0 or v), where t is the
 * level's {@link NoiseLevel#modelTime()} (diffusers' timestep under a discrete schedule). With
 * {@code numClasses} K > 0 the class-conditional contract {@code forward(x, t, y int64 [B])} applies,
 * y in [0, K] and y = K meaning "no class" (classifier-free guidance training, Ho and Salimans 2022);
 * {@link #predict(double[], NoiseLevel[], double[])} then passes y = K. The per-row shape comes from
 * config ({@link RowShape}); the solvers see flat rows in C order. Inputs are float64 in the solvers
 * and cast to float32 at the call; outputs are cast back. Source: diffusers' {@code UNet2DModel}
 * call {@code unet(sample, timestep).sample} and its schedulers' {@code prediction_type};
 * src/test/resources/model/make_gauss_mlp.py writes an example.
 *
 * <p>Loading follows the other exported models ({@link ExportedMaskedDenoiser}): the file passes
 * {@link ModelFileCheck} first (TorchScript or ONNX only, no pickles), the caller passes the device
 * (an ONNX model asked for a GPU the OnnxRuntime engine cannot use runs on the CPU), ONNX Runtime
 * uses {@code ai.djl.pytorch.num_threads} intra-op threads, and one forward of two zero rows checks
 * the input and output shapes. {@link #shared} loads a file once per JVM, format, device and
 * contract. Errors: on load, {@link ConfigException}s (exit 2) naming {@code model.path},
 * {@code model.shape} ({@link RowShape#KEY}) or {@code model.num_classes}. A non-finite output is
 * returned as it is: the solvers refuse it with a {@link
 * io.sampleforge.diffusion.continuous.NonFiniteOutputException} naming the row, the coordinate, the
 * solver step and the level (model time included), which the {@code diffuse} stage reports as bad
 * input (exit 3) with the row's request id. One
 * instance holds one DJL predictor: use it from one thread at a time (one per Spark task).
 *
 * <p>Cost per {@link #predict} call: one forward over [B, *shape] (one NFE for the whole batch),
 * plus copying B x D floats to the engine and back; the float64 conversions are O(B D).
 */
public final class ExportedGaussianDenoiser implements Denoiser, io.sampleforge.diffusion.continuous.ConditionalDenoiser,
    AutoCloseable {
  /** The configuration key of the number of classes (0: unconditional contract). */
  public static final String CLASSES_KEY = "model.num_classes";
  private static final Map<String, ZooModel<NDList, NDList>> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, String> IDENTITIES = new ConcurrentHashMap<>();
  private static final Map<String, ZooModel<NDList, NDList>> AUTOGRAD_LOADED = new ConcurrentHashMap<>();

  private final ModelFormat format;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final RowShape shape;
  private final PredictionType type;
  private final int numClasses;
  private final String identity;
  private final boolean shared;
  private final Path file;

  private ExportedGaussianDenoiser(ModelFormat format, Path file, ZooModel<NDList, NDList> model, RowShape shape,
      PredictionType type, int numClasses, String identity, boolean shared) {
    this.file = file;
    this.format = format;
    this.model = model;
    this.predictor = model.newPredictor();
    this.shape = shape;
    this.type = type;
    this.numClasses = numClasses;
    this.identity = identity;
    this.shared = shared;
  }

  /**
   * Loads {@code file} of {@code format} on {@code device} and checks it with one forward of two zero
   * rows at model times 0 and 1 (and y = K when {@code numClasses} K > 0): the model must accept [2,
   * *shape] and return [2, *shape]. {@code numClasses} 0 selects the unconditional contract.
   */
  public static ExportedGaussianDenoiser load(ModelFormat format, Path file, RowShape shape, PredictionType type,
      int numClasses, Device device) {
    checkSettings(format, shape, type, numClasses);
    ZooModel<NDList, NDList> m = ExportedMaskedDenoiser.loadZoo(format, file, device);
    ExportedGaussianDenoiser d = new ExportedGaussianDenoiser(format, file, m, shape, type, numClasses,
        identityOf(format, file, shape, type, numClasses), false);
    try {
      d.probe(file);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** The unconditional contract ({@code numClasses} 0). */
  public static ExportedGaussianDenoiser load(ModelFormat format, Path file, RowShape shape, PredictionType type,
      Device device) {
    return load(format, file, shape, type, 0, device);
  }

  /**
   * A predictor over a model loaded (and checked) once per JVM, format, file, device (after the ONNX
   * CPU fallback) and contract: what a Spark task opens; {@link #close()} then closes the predictor only.
   */
  public static ExportedGaussianDenoiser shared(ModelFormat format, Path file, RowShape shape, PredictionType type,
      int numClasses, Device device) {
    checkSettings(format, shape, type, numClasses);
    Device runnable = ExportedLm.runnableDevice(format, device);
    String key = format + ":" + file.toAbsolutePath() + "@" + runnable + "#" + shape + "/" + type.id() + "/" + numClasses;
    ZooModel<NDList, NDList> m = LOADED.get(key);
    if (m == null) {
      synchronized (LOADED) {
        m = LOADED.get(key);
        if (m == null) {
          ExportedGaussianDenoiser first = load(format, file, shape, type, numClasses, runnable);
          first.predictor.close();
          IDENTITIES.put(key, first.identity);
          LOADED.put(key, first.model);
          m = first.model;
        }
      }
    }
    // the identity (a SHA-256 of the file) is computed once per JVM, not per task
    return new ExportedGaussianDenoiser(format, file, m, shape, type, numClasses, IDENTITIES.get(key), true);
  }

  private static void checkSettings(ModelFormat format, RowShape shape, PredictionType type, int numClasses) {
    if (format == null) {
      throw ConfigException.of("model.type", "must be torchscript or onnx", null);
    }
    if (shape == null) {
      throw ConfigException.of(RowShape.KEY, "is required: the per-row input shape of the model ([D] or [C, H, W])",
          null);
    }
    if (type == null) {
      throw ConfigException.of("model.prediction_type", "is required (epsilon, sample or v_prediction)", null);
    }
    if (numClasses < 0) {
      throw ConfigException.of(CLASSES_KEY, "must be >= 0 (0: the unconditional contract forward(x, t))", numClasses);
    }
  }

  private static String identityOf(ModelFormat format, Path file, RowShape shape, PredictionType type, int numClasses) {
    return ExportedLm.identityOf(format, file, null) + "[gaussian, shape=" + shape + ", " + type.id()
        + (numClasses > 0 ? ", classes=" + numClasses : "") + "]";
  }

  private void probe(Path file) {
    int d = shape.dimension();
    String contract = "forward(x float32 " + Arrays.toString(shape.withBatch(2)).replace("[2,", "[B,") + ", t float32 [B]"
        + (numClasses > 0 ? ", y int64 [B]" : "") + ")";
    long[] out;
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray result = predictor.predict(inputs(m, new float[2 * d], new float[] {0f, 1f}, labels(2, null))).get(0);
      out = result.getShape().getShape();
    } catch (TranslateException | RuntimeException e) {
      throw ConfigException.of(RowShape.KEY, "must be the input shape of the model at model.path ('" + file + "'), "
          + "called as " + contract + (numClasses > 0 ? " (model.num_classes " + numClasses + ")" : " (model.num_classes "
          + "0: no label input)") + "; it failed for B = 2: " + ExportedMaskedDenoiser.firstLine(e), shape);
    }
    if (!Arrays.equals(out, shape.withBatch(2))) {
      throw ConfigException.of(RowShape.KEY, "must be the output shape of the model at model.path ('" + file + "') as "
          + "well: for input " + Arrays.toString(shape.withBatch(2)) + " it returned " + Arrays.toString(out), shape);
    }
  }

  private NDList inputs(NDManager m, float[] x, float[] t, long[] y) {
    int rows = t.length;
    NDList in = new NDList(m.create(x, new Shape(shape.withBatch(rows))), m.create(t, new Shape(rows)));
    if (numClasses > 0) {
      in.add(m.create(y, new Shape(rows)));
    }
    return in;
  }

  /** y for every row: the given labels, checked, or the null class K (unconditional contract: null). */
  private long[] labels(int rows, int[] given) {
    if (numClasses == 0) {
      if (given != null) {
        throw new IllegalArgumentException("class labels given to a model loaded with " + CLASSES_KEY + " 0");
      }
      return null;
    }
    long[] y = new long[rows];
    if (given == null) {
      Arrays.fill(y, numClasses);
      return y;
    }
    if (given.length != rows) {
      throw new IllegalArgumentException("labels has " + given.length + " entries for " + rows + " rows");
    }
    for (int r = 0; r < rows; r++) {
      if (given[r] < 0 || given[r] > numClasses) {
        throw new IllegalArgumentException("row " + r + " has class label " + given[r] + " outside [0, " + numClasses
            + "] (" + numClasses + " = unconditional)");
      }
      y[r] = given[r];
    }
    return y;
  }

  /**
   * This model as a {@link io.sampleforge.diffusion.posterior.DifferentiableDenoiser} differentiated by
   * DJL autograd ({@link AutogradDenoiser}: one forward with the graph recorded per linearisation, one
   * backward pass per vector-Jacobian product), for the gradient-guided posterior samplers; a
   * class-conditional model is differentiated at the null class K. TorchScript only: an ONNX model runs
   * on ONNX Runtime, which has no autograd, so it is refused with a {@link ConfigException} naming
   * {@code model.type}. DJL loads TorchScript under PyTorch's inference mode, whose tensors cannot be saved
   * for a backward pass, so the view runs on a second copy of the weights loaded without it (DJL's
   * {@code trainParam} option; parameters frozen again), once per JVM, file and device and kept for the
   * JVM's life. Close the view (its graph) and this instance.
   */
  public AutogradDenoiser differentiable() {
    if (format != ModelFormat.TORCHSCRIPT) {
      throw ConfigException.of("model.type", "must be torchscript for a gradient-guided sampler (tds, dps): the "
          + "gradient goes through the network by PyTorch autograd, and an " + format.configName() + " model (ONNX "
          + "Runtime) cannot be differentiated; " + identity, format.configName());
    }
    // DJL loads TorchScript under PyTorch's inference mode, and autograd cannot save inference tensors
    // for backward: the gradient runs on a second copy loaded without it (once per JVM, file and device),
    // its parameters frozen again (no parameter gradients)
    ZooModel<NDList, NDList> grad = AUTOGRAD_LOADED.computeIfAbsent(file.toAbsolutePath() + "@" + device(), k -> {
      ZooModel<NDList, NDList> z = ExportedMaskedDenoiser.loadZoo(format, file, device(), true);
      z.getBlock().freezeParameters(true);
      return z;
    });
    ai.djl.pytorch.engine.PtSymbolBlock block = (ai.djl.pytorch.engine.PtSymbolBlock) grad.getBlock();
    long[] perRow = shape.withBatch(1);
    return new AutogradDenoiser(grad.getNDManager(), rows -> {
      long[] s = perRow.clone();
      s[0] = rows;
      return new Shape(s);
    }, shape.dimension(), type, (m, x, rows, time) -> {
      float[] t = new float[rows];
      Arrays.fill(t, (float) time);
      NDList in = new NDList(x, m.create(t, new Shape(rows)));
      if (numClasses > 0) {
        in.add(m.create(labels(rows, null), new Shape(rows)));
      }
      // is_train = true skips DJL's inference guard (which turns autograd off) without switching the
      // module to training mode, as PtSymbolBlock.forward(..., true) would
      return ai.djl.pytorch.jni.IValueUtils.forward(block, in, true).get(0);
    }, identity);
  }

  /** The file format, which names the engine that runs it. */
  public ModelFormat format() {
    return format;
  }

  /** The device the model runs on: the requested one, or the CPU after the ONNX fallback. */
  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** Format, file name, content hash, shape, prediction type and classes. */
  public String identity() {
    return identity;
  }

  /** The per-row shape the model sees. */
  public RowShape shape() {
    return shape;
  }

  /** K for the class-conditional contract (label K = unconditional), 0 for the unconditional one. */
  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public int dimension() {
    return shape.dimension();
  }

  @Override
  public PredictionType predictionType() {
    return type;
  }

  /** One forward of every row; a class-conditional model gets the null class K for every row. */
  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    forward(x, levels, null, out);
  }

  /**
   * One forward with a class label per row ({@code labels[r]} in [0, K], K = unconditional); needs
   * {@code numClasses} K > 0. What classifier-free guidance calls twice (or once on a doubled batch).
   */
  @Override
  public void predict(double[] x, NoiseLevel[] levels, int[] labels, double[] out) {
    if (numClasses == 0) {
      throw new IllegalArgumentException("class labels need a model loaded with " + CLASSES_KEY + " > 0");
    }
    forward(x, levels, labels == null ? null : labels.clone(), out);
  }

  /**
   * This model with the given label per row, as a {@link Denoiser} for the solvers (which call it with
   * exactly {@code labels.length} rows). The view shares this instance's predictor.
   */
  public Denoiser conditionedOn(int[] labels) {
    if (numClasses == 0) {
      throw new IllegalArgumentException("class labels need a model loaded with " + CLASSES_KEY + " > 0");
    }
    int[] fixed = labels.clone();
    labels(fixed.length, fixed); // validates now
    ExportedGaussianDenoiser self = this;
    return new Denoiser() {
      @Override
      public int dimension() {
        return self.dimension();
      }

      @Override
      public PredictionType predictionType() {
        return self.predictionType();
      }

      @Override
      public void predict(double[] x, NoiseLevel[] levels, double[] out) {
        self.forward(x, levels, fixed, out);
      }
    };
  }

  private void forward(double[] x, NoiseLevel[] levels, int[] given, double[] out) {
    int d = shape.dimension();
    int rows = levels.length;
    if (x.length != rows * d || out.length != x.length) {
      throw new IllegalArgumentException("x holds " + x.length + " and out " + out.length + " values; expected "
          + rows + " rows x " + d);
    }
    long[] y = labels(rows, given);
    if (rows == 0) {
      return;
    }
    float[] xs = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      xs[j] = (float) x[j];
    }
    float[] ts = new float[rows];
    for (int r = 0; r < rows; r++) {
      double t = levels[r].modelTime();
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("row " + r + " has no model time (" + levels[r] + "): the model is called at "
            + "sigma > 0 only");
      }
      ts[r] = (float) t;
    }
    float[] result;
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray o = predictor.predict(inputs(m, xs, ts, y)).get(0);
      if (!Arrays.equals(o.getShape().getShape(), shape.withBatch(rows))) {
        throw ConfigException.of(RowShape.KEY, "must be the model's output shape: for input "
            + Arrays.toString(shape.withBatch(rows)) + " " + identity + " returned " + o.getShape(), shape);
      }
      result = o.getDataType() == DataType.FLOAT32 ? o.toFloatArray() : o.toType(DataType.FLOAT32, false).toFloatArray();
    } catch (TranslateException e) {
      throw new IllegalStateException(format.configName() + " forward failed: " + ExportedMaskedDenoiser.firstLine(e), e);
    }
    for (int j = 0; j < result.length; j++) {
      out[j] = result[j]; // NaN and infinities pass through: the solvers refuse them, naming row, step and level
    }
  }

  @Override
  public void close() {
    predictor.close();
    if (!shared) {
      model.close();
    }
  }
}
