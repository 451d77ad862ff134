package io.sampleforge.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.sampleforge.diffusion.discrete.DenoiserOutput;
import io.sampleforge.diffusion.discrete.FloatLogits;
import io.sampleforge.diffusion.discrete.MaskedDenoiser;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A masked (bidirectional) LM exported to TorchScript (run by DJL's PyTorch engine) or ONNX (DJL's
 * OnnxRuntime engine), as a {@link MaskedDenoiser}. Export contract, the same for both formats
 * (docs/diffusion.md, "Masked model export contract"; src/test/resources/model/make_toy_mlm.py
 * writes a TorchScript example and make_toy_mlm_onnx.py exports it to ONNX): {@code
 * forward(input_ids int64 [B, L]) -> logits float32 [B, L, V]} (ONNX: input {@code input_ids},
 * output {@code logits}, B and L dynamic), where the input holds the dedicated mask token {@code
 * maskId} at masked positions, every position attends to every other (no causal mask, no padding),
 * and there is no time input: the model is time-agnostic ({@link #timeConditioned()} is false, as
 * MDLM without time conditioning and Zheng et al., arXiv 2409.02908). The logits are wrapped in a
 * {@link FloatLogits}, which drops the mask column and soft-maxes in float64 on read (MDLM's SUBS
 * parameterisation). The file passes {@link ModelFileCheck} before DJL sees it, as the causal
 * models' do ({@link ExportedLm}), and the device rules are theirs: the caller passes the device
 * (a Spark task its {@code TaskDevices.current()}); an ONNX model asked for a GPU runs on the CPU
 * when the OnnxRuntime engine sees no GPU (the Maven Central jar is CPU-only), and with the
 * system property {@code ai.djl.pytorch.num_threads} set, ONNX Runtime uses that many intra-op
 * threads; {@link #shared} loads a file once per JVM, format and device. Cost: one forward over
 * [B, L] per call (one NFE per row), then one copy of the B x L x V logits to the host.
 */
public final class ExportedMaskedDenoiser implements MaskedDenoiser, AutoCloseable {
  private static final Map<String, ZooModel<NDList, NDList>> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, String> IDENTITIES = new ConcurrentHashMap<>();

  private final ModelFormat format;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final int vocab;
  private final int maskId;
  private final String identity;
  private final boolean shared;

  private ExportedMaskedDenoiser(ModelFormat format, ZooModel<NDList, NDList> model, int vocab, int maskId,
      String identity, boolean shared) {
    this.format = format;
    this.model = model;
    this.predictor = model.newPredictor();
    this.vocab = vocab;
    this.maskId = maskId;
    this.identity = identity;
    this.shared = shared;
  }

  /**
   * Loads the file of {@code format} on {@code device} (an ONNX model asked for a GPU the
   * OnnxRuntime engine cannot use loads on the CPU) and checks, with one forward of a single mask
   * token, that the model returns [1, 1, vocab] logits. Errors are {@link ConfigException}s naming
   * {@code model.path}, {@code model.vocab_size} or {@code model.mask_id}.
   */
  public static ExportedMaskedDenoiser load(ModelFormat format, Path file, int vocab, int maskId, Device device) {
    checkIds(vocab, maskId);
    ZooModel<NDList, NDList> m = loadZoo(format, file, device);
    ExportedMaskedDenoiser d = new ExportedMaskedDenoiser(format, m, vocab, maskId,
        ExportedLm.identityOf(format, file, null) + "[masked, mask_id=" + maskId + "]", false);
    try {
      d.probe(file);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** The vocabulary size (>= 2) and the mask id (in [0, vocab)), as ConfigExceptions naming the keys. */
  static void checkIds(int vocab, int maskId) {
    if (vocab < 2) {
      throw ConfigException.of("model.vocab_size", "must be the model's vocabulary size, mask token included (>= 2)",
          vocab);
    }
    if (maskId < 0 || maskId >= vocab) {
      throw ConfigException.of("model.mask_id", "must be a token id in [0, model.vocab_size = " + vocab + ")", maskId);
    }
  }

  /**
   * Checks the file ({@link ModelFileCheck}) and loads it with DJL on {@code device} (ONNX: the CPU
   * when the engine cannot use the GPU; ONNX Runtime's threads as {@code ai.djl.pytorch.num_threads}).
   * Errors are ConfigExceptions naming {@code model.path}.
   */
  static ZooModel<NDList, NDList> loadZoo(ModelFormat format, Path file, Device device) {
    return loadZoo(format, file, device, false);
  }

  /**
   * {@code trainParam} (TorchScript only): load outside PyTorch's inference mode, whose tensors autograd
   * cannot save for a backward pass (DJL's option of that name; the caller freezes the parameters again).
   */
  static ZooModel<NDList, NDList> loadZoo(ModelFormat format, Path file, Device device, boolean trainParam) {
    // before the engine sees the bytes: only formats that run no code on load
    ModelFileCheck.require(format, file);
    try {
      Criteria.Builder<NDList, NDList> builder = Criteria.builder().setTypes(NDList.class, NDList.class)
          .optModelPath(file).optEngine(format.engine()).optTranslator(new NoopTranslator())
          .optDevice(ExportedLm.runnableDevice(format, device));
      if (trainParam) {
        builder.optOption("trainParam", "true");
      }
      String threads = System.getProperty("ai.djl.pytorch.num_threads");
      if (format == ModelFormat.ONNX && threads != null) {
        // ONNX Runtime would use every core per call; a task gets spark.task.cpus threads, as libtorch does
        builder.optOption("intraOpNumThreads", threads).optOption("interOpNumThreads", "1");
      }
      return builder.build().loadModel();
    } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
      throw ConfigException.of("model.path", "must be a " + format.configName() + " file the " + format.engine()
          + " engine can load (" + firstLine(e) + ")", "'" + file + "'");
    }
  }

  /** The int64 ids of the positions [from, to) of every row, checked: equal row lengths, ids in [0, vocab). */
  static long[] ids(int[][] tokens, int from, int to, int vocab) {
    int length = tokens.length == 0 ? 0 : tokens[0].length;
    int width = to - from;
    long[] ids = new long[tokens.length * width];
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != length) {
        throw new IllegalArgumentException("row " + b + " has " + tokens[b].length + " tokens, row 0 has " + length);
      }
      for (int l = from; l < to; l++) {
        int v = tokens[b][l];
        if (v < 0 || v >= vocab) {
          throw new IllegalArgumentException("row " + b + " position " + l + " holds id " + v + " outside [0, "
              + vocab + ")");
        }
        ids[b * width + l - from] = v;
      }
    }
    return ids;
  }

  /**
   * A predictor over a model loaded once per JVM, format, file and device (after the CPU fallback
   * of {@link #load}): what a Spark task opens; {@link #close()} then closes only the predictor.
   */
  public static ExportedMaskedDenoiser shared(ModelFormat format, Path file, int vocab, int maskId, Device device) {
    Device runnable = ExportedLm.runnableDevice(format, device);
    String key = format + ":" + file.toAbsolutePath() + "@" + runnable + "#" + vocab + "/" + maskId;
    ZooModel<NDList, NDList> m = LOADED.get(key);
    if (m == null) {
      synchronized (LOADED) {
        m = LOADED.get(key);
        if (m == null) {
          ExportedMaskedDenoiser first = load(format, file, vocab, maskId, runnable);
          first.predictor.close();
          IDENTITIES.put(key, first.identity);
          LOADED.put(key, first.model);
          m = first.model;
        }
      }
    }
    return new ExportedMaskedDenoiser(format, m, vocab, maskId, IDENTITIES.get(key), true);
  }

  private void probe(Path file) {
    long[] shape;
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList out = predictor.predict(new NDList(m.create(new long[] {maskId}, new Shape(1, 1))));
      shape = out.get(0).getShape().getShape();
    } catch (TranslateException | RuntimeException e) {
      throw ConfigException.of("model.path", "must take int64 token ids [B, L] and return float32 logits [B, L, V] ("
          + firstLine(e) + ")", "'" + file + "'");
    }
    if (shape.length != 3 || shape[0] != 1 || shape[1] != 1) {
      throw ConfigException.of("model.path", "must return logits [B, L, V] for token ids [B, L]; for [1, 1] it "
          + "returned " + java.util.Arrays.toString(shape), "'" + file + "'");
    }
    if (shape[2] != vocab) {
      throw ConfigException.of("model.vocab_size", "must equal the model's output width " + shape[2] + " (" + file
          + ")", vocab);
    }
  }

  /** The file format, which names the engine that runs it. */
  public ModelFormat format() {
    return format;
  }

  /** The device the model runs on: the requested one, or the CPU after the ONNX fallback of {@link #load}. */
  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** The model's identity: format, file name, content hash and mask id. */
  public String identity() {
    return identity;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  @Override
  public int maskId() {
    return maskId;
  }

  @Override
  public boolean timeConditioned() {
    return false;
  }

  /** One forward of the whole batch, wrapped in {@link FloatLogits}; {@code times} is ignored (time-agnostic). */
  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] times) {
    if (times.length != tokens.length) {
      throw new IllegalArgumentException("times has " + times.length + " entries for " + tokens.length + " rows");
    }
    int length = tokens.length == 0 ? 0 : tokens[0].length;
    return new FloatLogits(logits(tokens), tokens.length, length, vocab, maskId);
  }

  /**
   * The model's float32 logits for {@code tokens} [B][L] (equal row lengths, ids in [0, V)), row-major
   * [B * L * V], the mask column included: what {@link #denoise} wraps. Cost: one forward.
   */
  public float[] logits(int[][] tokens) {
    int batch = tokens.length;
    int length = batch == 0 ? 0 : tokens[0].length;
    long[] ids = ids(tokens, 0, length, vocab);
    if (batch == 0 || length == 0) {
      return new float[0];
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray logits = predictor.predict(new NDList(m.create(ids, new Shape(batch, length)))).get(0);
      Shape shape = logits.getShape();
      if (shape.dimension() != 3 || shape.get(0) != batch || shape.get(1) != length || shape.get(2) != vocab) {
        throw new IllegalStateException("the masked model returned logits " + shape + " for input [" + batch + ", "
            + length + "]; the contract is [B, L, V = " + vocab + "]");
      }
      if (logits.getDataType() == DataType.FLOAT32) {
        return logits.toFloatArray();
      }
      return logits.toType(DataType.FLOAT32, false).toFloatArray();
    } catch (TranslateException e) {
      throw new IllegalStateException(format.configName() + " forward failed: " + firstLine(e), e);
    }
  }

  static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public void close() {
    predictor.close();
    if (!shared) {
      model.close();
    }
  }
}
