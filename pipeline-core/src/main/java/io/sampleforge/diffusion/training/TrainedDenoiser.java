package io.sampleforge.diffusion.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A denoiser trained by {@link DenoiserTrainer}, loaded from its folder ({@link DenoiserFolder}): the
 * manifest is read and checked, the block is rebuilt from the recorded architecture, DJL's parameter
 * file is loaded into it (PyTorch engine, CPU) and every parameter's shape is checked against the
 * architecture. {@link #predict} returns epsilon for rows in <b>standardised</b> space, conditioned
 * on each level's model time only (the network has no other notion of the level): sample with grids
 * of {@link #schedule()}, then map the samples back to the table's units with {@link
 * #standardisation()}{@code .toData(samples)}. Each call runs one forward in float32 (inputs rounded
 * from float64) through a predictor it opens and closes (as the {@link Denoiser} contract says, one
 * thread at a time; multi-threaded use is untested). Close it to free the native memory. Cost per call: one forward over [rows, D + E] (about 2 x parameter count
 * FLOPs per row) plus O(rows (D + E)) copies.
 */
public final class TrainedDenoiser implements Denoiser, AutoCloseable {
  private final DenoiserManifest manifest;
  private final Model model;

  /** Serves {@code model}'s block, whose parameters are frozen (no autograd at inference). */
  TrainedDenoiser(DenoiserManifest manifest, Model model) {
    this.manifest = manifest;
    this.model = model;
    model.getBlock().freezeParameters(true);
  }

  /**
   * Opens the folder written by {@link DenoiserTrainer#train}. Errors ({@link ConfigException} naming
   * {@link DenoiserFolder#KEY}, the file and the rule): no folder or manifest, a manifest breaking the
   * format, a parameter file that is missing, has another SHA-256 than recorded, is not DJL's format, or
   * holds parameters of other shapes than the recorded architecture.
   */
  public static TrainedDenoiser open(Path folder) {
    DenoiserManifest m = DenoiserFolder.read(folder);
    MlpArchitecture arch = m.architecture();
    Path params = folder.resolve(m.parametersFile());
    Model model = Model.newInstance(DenoiserFolder.MODEL_NAME, Device.cpu(), DenoiserTrainer.ENGINE);
    try {
      model.setBlock(arch.block());
      try (InputStream in = Files.newInputStream(params)) {
        byte[] magic = in.readNBytes(4);
        if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
          // DJL's loader ignores a file without its header and leaves the parameters unset
          throw ConfigException.of(DenoiserFolder.KEY, "parameter file " + params + " must be a DJL parameter file "
              + "(Model.save format, starting with DJL@)", "'" + params + "'");
        }
      }
      try (InputStream in = Files.newInputStream(params)) {
        model.load(in);
      }
      List<Shape> expected = arch.parameterShapes();
      List<Shape> actual = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
        actual.add(p.getValue().isInitialized() ? p.getValue().getArray().getShape() : null);
      }
      if (!expected.equals(actual)) {
        throw ConfigException.of(DenoiserFolder.KEY, "parameter file " + params + " must hold the parameters of the "
            + "architecture in " + DenoiserFolder.MANIFEST + " " + arch + " (shapes " + expected + ")", actual);
      }
      return new TrainedDenoiser(m, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      if (e instanceof ConfigException c) {
        throw c;
      }
      throw ConfigException.of(DenoiserFolder.KEY, "parameter file " + params + " must be a DJL parameter file of "
          + "the architecture in " + DenoiserFolder.MANIFEST + " (" + e + ")", "'" + params + "'");
    }
  }

  /** Everything the folder records. */
  public DenoiserManifest manifest() {
    return manifest;
  }

  /** The columns, their means and stds: {@code standardisation().toData(samples)} maps solver samples back. */
  public Standardisation standardisation() {
    return manifest.standardisation();
  }

  /**
   * How the table's columns make the trained columns: {@code encoding().decode(standardisation().toData(samples))}
   * gives the numeric values and the categorical levels (argmax) of solver samples.
   */
  public OneHotEncoding encoding() {
    return manifest.encoding();
  }

  /** The schedule the network was trained under; sampling grids must be built from it. */
  public DiscreteVpSchedule schedule() {
    return manifest.schedule();
  }

  @Override
  public int dimension() {
    return manifest.standardisation().dimension();
  }

  @Override
  public PredictionType predictionType() {
    return PredictionType.EPSILON;
  }

  @Override
  public void predict(double[] x, NoiseLevel[] levels, double[] out) {
    int d = dimension();
    int rows = levels.length;
    if (x.length != rows * d || out.length != rows * d) {
      throw new IllegalArgumentException("x holds " + x.length + " and out " + out.length + " values; expected "
          + rows + " rows x " + d);
    }
    if (rows == 0) {
      return;
    }
    MlpArchitecture arch = manifest.architecture();
    int w = arch.inputWidth();
    double[] freqs = TimestepEmbedding.frequencies(arch.timeEmbedding());
    float[] input = new float[rows * w];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        input[r * w + c] = (float) x[r * d + c];
      }
      TimestepEmbedding.write(levels[r].modelTime(), freqs, input, r * w + d);
    }
    try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
        NDManager m = model.getNDManager().newSubManager()) {
      NDArray y = p.predict(new NDList(m.create(input, new Shape(rows, w)))).singletonOrThrow();
      double[] v = y.toType(DataType.FLOAT64, false).toDoubleArray();
      System.arraycopy(v, 0, out, 0, v.length);
    } catch (TranslateException e) {
      throw new IllegalStateException("the trained denoiser failed on " + rows + " rows: " + e.getMessage(), e);
    }
  }

  /**
   * This network as a {@link io.sampleforge.diffusion.posterior.DifferentiableDenoiser} differentiated by
   * DJL autograd on the PyTorch engine ({@link io.sampleforge.model.AutogradDenoiser}): the rows x
   * [rows, D] (standardised space) require a gradient, the time embedding [rows, E] is a constant
   * concatenated after them, and the MLP block runs in inference mode (frozen parameters, no dropout) with
   * grad mode on. One forward per linearisation, one backward pass per vector-Jacobian product. The view
   * shares this instance's model: close it (its graph) before closing this instance.
   */
  public io.sampleforge.model.AutogradDenoiser differentiable() {
    int d = dimension();
    MlpArchitecture arch = manifest.architecture();
    int e = arch.inputWidth() - d;
    double[] freqs = TimestepEmbedding.frequencies(arch.timeEmbedding());
    return new io.sampleforge.model.AutogradDenoiser(model.getNDManager(), rows -> new Shape(rows, d), d,
        PredictionType.EPSILON, (m, x, rows, time) -> {
          float[] emb = new float[rows * e];
          for (int r = 0; r < rows; r++) {
            TimestepEmbedding.write(time, freqs, emb, r * e);
          }
          NDArray input = x.concat(m.create(emb, new Shape(rows, e)), 1);
          return model.getBlock().forward(new ai.djl.training.ParameterStore(m, false), new NDList(input), false)
              .singletonOrThrow();
        }, "the trained denoiser " + manifest.architecture());
  }

  @Override
  public void close() {
    model.close();
  }
}
