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
import io.sampleforge.diffusion.discrete.SequenceReward;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A learned reward for reward-guided decoding ({@link io.sampleforge.diffusion.discrete.SvddSampler}):
 * a sequence classifier exported to TorchScript and run by DJL's PyTorch engine, as SVDD uses a
 * reward model (Li et al. 2024, masa-ue/SVDD; DiDi-Instruct's reward model). Export contract:
 * {@code forward(input_ids int64 [B, L]) -> score float32 [B] or [B, 1]}, one finite score per row,
 * larger is better (a logit, a log-probability or any real number), with the token ids of the
 * masked model the reward serves (the same vocabulary, mask id included: SVDD scores rows whose
 * masks it has filled, so the mask rarely reaches the scorer). Example:
 * src/test/resources/model/make_toy_scorer.py (the toy grammar's classifier over toy_mlm's ids).
 *
 * <p>Serializable so that a Spark job can ship it to executors: its fields are the file path, the
 * vocabulary size and the device's type and id; the model itself is transient, loaded lazily once
 * per JVM, file, vocabulary and device (a shared cache, as {@link ExportedMaskedDenoiser#shared}),
 * the file passing {@link ModelFileCheck} before DJL sees it, then checked by one forward. Each call
 * opens and closes its own predictor, so one instance may be used from several threads. Errors on
 * load are {@link ConfigException}s (exit code 2) naming {@link #KEY} (or {@code model.vocab_size});
 * a model that breaks the contract later (a wrong output shape for a batch, a row too long for its
 * position table) is an IllegalStateException naming the file. A row scores the same alone and in a
 * batch up to float rounding (libtorch may choose other CPU kernels for other batch shapes).
 *
 * <p>Cost: {@link #rewards} is one forward over [B, L] plus a copy of B floats to the host; {@link
 * #reward} is that with B = 1, so callers that score many rows (SVDD: B x M candidates per step) use
 * the batched method. The first use in a JVM loads the model (and, once per JVM, the engine).
 */
public final class TorchScriptScorer implements SequenceReward {
  private static final long serialVersionUID = 1L;
  /** The configuration key errors name: the scorer's file. */
  public static final String KEY = "diffusion.reward_model";
  private static final Map<String, ZooModel<NDList, NDList>> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, String> IDENTITIES = new ConcurrentHashMap<>();

  private final String file;
  private final int vocab;
  private final String deviceType;
  private final int deviceId;
  private transient volatile ZooModel<NDList, NDList> model;

  private TorchScriptScorer(String file, int vocab, String deviceType, int deviceId) {
    this.file = file;
    this.vocab = vocab;
    this.deviceType = deviceType;
    this.deviceId = deviceId;
  }

  /**
   * A scorer of {@code file} for token ids in [0, vocab), run on {@code device} (null: the CPU);
   * nothing is loaded yet (see {@link #check()}). Errors name {@link #KEY} or {@code model.vocab_size}.
   */
  public static TorchScriptScorer of(Path file, int vocab, Device device) {
    if (file == null) {
      throw ConfigException.of(KEY, "must be the path of a torchscript scorer file", "null");
    }
    if (vocab < 1) {
      throw ConfigException.of("model.vocab_size", "must be the scorer's (and the masked model's) vocabulary size, "
          + "mask token included (>= 1)", vocab);
    }
    Device d = device == null ? Device.cpu() : device;
    return new TorchScriptScorer(file.toAbsolutePath().normalize().toString(), vocab, d.getDeviceType(),
        d.getDeviceId());
  }

  /** {@link #of} then {@link #check()}: what a job's driver calls to fail early on a bad file. */
  public static TorchScriptScorer load(Path file, int vocab, Device device) {
    return of(file, vocab, device).check();
  }

  /**
   * Loads the model into this JVM's cache (if it is not there) and checks it with one forward of two
   * rows [[0], [vocab - 1]]: it must return two scores ([2] or [2, 1]). Returns this.
   */
  public TorchScriptScorer check() {
    model();
    return this;
  }

  /** The same scorer on another device (a Spark task's, from TaskDevices.current()). */
  public TorchScriptScorer on(Device device) {
    return of(Path.of(file), vocab, device);
  }

  public Path file() {
    return Path.of(file);
  }

  public int vocabularySize() {
    return vocab;
  }

  public Device device() {
    return Device.of(deviceType, deviceId);
  }

  /** Format, file name and content hash (sha256), as the other models' identities; loads the model. */
  public String identity() {
    model();
    return IDENTITIES.get(cacheKey());
  }

  @Override
  public double reward(int[] tokens) {
    return rewards(new int[][] {tokens})[0];
  }

  /**
   * The scores of rows {@code tokens} [B][L] (equal lengths, ids in [0, vocab)) in one forward. An
   * empty batch or rows of length 0 give zeros without a model call.
   */
  @Override
  public double[] rewards(int[][] tokens) {
    int batch = tokens.length;
    int length = batch == 0 ? 0 : tokens[0].length;
    long[] ids = new long[batch * length];
    for (int b = 0; b < batch; b++) {
      if (tokens[b].length != length) {
        throw new IllegalArgumentException("row " + b + " has " + tokens[b].length + " tokens, row 0 has " + length);
      }
      for (int l = 0; l < length; l++) {
        int v = tokens[b][l];
        if (v < 0 || v >= vocab) {
          throw new IllegalArgumentException("row " + b + " position " + l + " holds id " + v + " outside the scorer's"
              + " vocabulary [0, " + vocab + ")");
        }
        ids[b * length + l] = v;
      }
    }
    if (batch == 0 || length == 0) {
      return new double[batch];
    }
    ZooModel<NDList, NDList> m = model();
    try {
      return forward(m, ids, batch, length);
    } catch (TranslateException | RuntimeException e) {
      throw new IllegalStateException("the reward model " + file + " failed on input [" + batch + ", " + length + "]: "
          + firstLine(e), e);
    }
  }

  /** One forward; the output must be [B] or [B, 1]. */
  private static double[] forward(ZooModel<NDList, NDList> m, long[] ids, int batch, int length)
      throws TranslateException {
    try (Predictor<NDList, NDList> predictor = m.newPredictor();
        NDManager manager = m.getNDManager().newSubManager()) {
      NDList out = predictor.predict(new NDList(manager.create(ids, new Shape(batch, length))));
      if (out.isEmpty()) {
        throw new IllegalStateException("it returned no output; the contract is float32 scores [B] or [B, 1]");
      }
      NDArray scores = out.get(0);
      Shape shape = scores.getShape();
      boolean ok = shape.dimension() == 1 && shape.get(0) == batch
          || shape.dimension() == 2 && shape.get(0) == batch && shape.get(1) == 1;
      if (!ok || !scores.getDataType().isFloating()) {
        throw new IllegalStateException("it returned " + scores.getDataType() + " " + Arrays.toString(shape.getShape())
            + " for input [" + batch
            + ", " + length + "]; the contract is float32 scores [B] or [B, 1]");
      }
      return scores.toType(DataType.FLOAT64, false).toDoubleArray();
    }
  }

  private ZooModel<NDList, NDList> model() {
    ZooModel<NDList, NDList> m = model;
    if (m == null) {
      String key = cacheKey();
      m = LOADED.get(key);
      if (m == null) {
        synchronized (LOADED) {
          m = LOADED.get(key);
          if (m == null) {
            m = loadChecked();
            IDENTITIES.put(key, ExportedLm.identityOf(ModelFormat.TORCHSCRIPT, Path.of(file), null) + "[reward]");
            LOADED.put(key, m);
          }
        }
      }
      model = m;
    }
    return m;
  }

  private ZooModel<NDList, NDList> loadChecked() {
    Path path = Path.of(file);
    try {
      // before the engine sees the bytes: only formats that run no code on load
      ModelFileCheck.require(ModelFormat.TORCHSCRIPT, path);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replaceFirst("parameter '[^']*'", "parameter '" + KEY + "'"));
    }
    ZooModel<NDList, NDList> m;
    try {
      m = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(path)
          .optEngine(ModelFormat.TORCHSCRIPT.engine()).optTranslator(new NoopTranslator()).optDevice(device()).build()
          .loadModel();
    } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
      throw ConfigException.of(KEY, "must be a torchscript file the PyTorch engine can load (" + firstLine(e) + ")",
          "'" + file + "'");
    }
    try {
      forward(m, new long[] {0, vocab - 1}, 2, 1);
    } catch (TranslateException | RuntimeException e) {
      m.close();
      throw ConfigException.of(KEY, "must take int64 token ids [B, L] (ids in [0, model.vocab_size = " + vocab
          + ")) and return float32 scores [B] or [B, 1] (" + firstLine(e) + ")", "'" + file + "'");
    }
    return m;
  }

  private String cacheKey() {
    return file + "@" + deviceType + deviceId + "#" + vocab;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TorchScriptScorer s && file.equals(s.file) && vocab == s.vocab
        && deviceType.equals(s.deviceType) && deviceId == s.deviceId;
  }

  @Override
  public int hashCode() {
    return cacheKey().hashCode();
  }

  @Override
  public String toString() {
    return "TorchScriptScorer[" + file + ", vocab " + vocab + ", " + device() + "]";
  }
}
