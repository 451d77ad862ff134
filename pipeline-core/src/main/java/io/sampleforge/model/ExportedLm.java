package io.sampleforge.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Hash64;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A causal LM exported to TorchScript (run by DJL's PyTorch engine) or ONNX (DJL's OnnxRuntime
 * engine). Export contract, the same for both formats (src/main/python/export_hf_causal_lm.py
 * writes it for Hugging Face models; src/test/resources/model/gpt_contract.py is a hand-written
 * example):
 * <ul>
 *   <li>uncached: {@code forward(input_ids int64 [B, T]) -> logits float32 [B, T, V]};</li>
 *   <li>cached: {@code forward(input_ids int64 [B, T], past float32 [L, 2, B, H, P, D], past_len
 *       int64 []) -> (logits [B, T, V], present [L, 2, B, H, P+T, D])}, where P may be 0 and H
 *       is the number of key/value heads.</li>
 * </ul>
 * Rows of a batch are grouped by sequence length (no padding, so no attention mask is needed).
 * With a cache ({@link PrefixCache}), each row's key/value tensors are kept under a hash of its
 * token prefix, so a row extended by one token feeds only that token, whatever batch it lands in;
 * a prefix seen for the first time runs in full; a batch that continues together feeds its
 * present tensor back without a copy. TorchScript caches stay on the model's device; ONNX caches
 * are kept by the PyTorch engine on the CPU (ONNX Runtime arrays cannot be sliced). Cost: one
 * forward per length group per step; the cache holds L x 2 x H x P x D floats per row in flight.
 */
public final class ExportedLm implements CausalLm, AutoCloseable {
  private final ModelFormat format;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final int vocab;
  private final boolean cached;
  private final String identity;
  private final PrefixCache cache;

  private final long[] cacheGeometry;

  private static final Map<String, ZooModel<NDList, NDList>> LOADED = new java.util.concurrent.ConcurrentHashMap<>();
  private static final Map<String, String> IDENTITIES = new java.util.concurrent.ConcurrentHashMap<>();
  private final boolean shared;

  private ExportedLm(ModelFormat format, ZooModel<NDList, NDList> model, int vocab, long[] cacheGeometry,
      String identity, boolean shared) {
    this.format = format;
    this.shared = shared;
    this.model = model;
    this.predictor = model.newPredictor();
    this.vocab = vocab;
    this.cached = cacheGeometry != null;
    this.cacheGeometry = cacheGeometry;
    this.identity = identity;
    this.cache = cacheGeometry == null ? null : new PrefixCache(format == ModelFormat.TORCHSCRIPT
        ? model.getNDManager().newSubManager()
        : NDManager.newBaseManager(Device.cpu(), ModelFormat.TORCHSCRIPT.engine()));
  }

  /**
   * A predictor (with its own prefix cache) over a model loaded once per JVM and device: what a
   * Spark task opens; {@link #close()} closes only the predictor.
   */
  public static ExportedLm shared(ModelFormat format, Path file, int vocab, long[] cacheGeometry, Device requested) {
    Device device = runnableDevice(format, requested);
    String key = format + ":" + file.toAbsolutePath() + "@" + device + (cacheGeometry != null ? "#cached" : "");
    ZooModel<NDList, NDList> m = LOADED.get(key);
    if (m == null) {
      synchronized (LOADED) {
        m = LOADED.get(key);
        if (m == null) {
          ExportedLm first = load(format, file, vocab, cacheGeometry, device);
          IDENTITIES.put(key, first.identity);
          LOADED.put(key, first.model);
          m = first.model;
          first.predictor.close();
          if (first.cache != null) {
            first.cache.close();
          }
        }
      }
    }
    // the identity (a SHA-256 of the file) is computed once per JVM, not per task
    return new ExportedLm(format, m, vocab, cacheGeometry, IDENTITIES.get(key), true);
  }

  /**
   * The requested device, or the CPU when it is a GPU the format's engine cannot use (the ONNX
   * Runtime jar on Maven Central is CPU-only; put {@code onnxruntime_gpu} on the classpath instead
   * for CUDA).
   */
  static Device runnableDevice(ModelFormat format, Device requested) {
    if (requested.isGpu() && format == ModelFormat.ONNX && ai.djl.engine.Engine.getEngine(format.engine()).getGpuCount() == 0) {
      return Device.cpu();
    }
    return requested;
  }

  /** The identity string of a model file (format, name, content hash, cache contract). */
  public static String identityOf(ModelFormat format, Path file, long[] cacheGeometry) {
    try {
      return format.configName() + "(" + file.getFileName() + ", sha256=" + sha256(file)
          + (cacheGeometry != null ? ", cached" : "") + ")";
    } catch (IOException e) {
      throw ConfigException.of("model.path", "must be readable", "'" + file + "'");
    }
  }

  /** Loads an uncached model. Errors name the path. */
  public static ExportedLm load(ModelFormat format, Path file, int vocab, Device device) {
    return load(format, file, vocab, null, device);
  }

  /** Loads a cached model with its cache geometry (layers, key/value heads, head dimension). */
  public static ExportedLm loadCached(ModelFormat format, Path file, int vocab, int layers, int heads, int headDim,
      Device device) {
    return load(format, file, vocab, new long[] {layers, heads, headDim}, device);
  }

  static ExportedLm load(ModelFormat format, Path file, int vocab, long[] cacheGeometry, Device device) {
    // before any engine sees the bytes: only formats that run no code on load (see ModelFileCheck)
    ModelFileCheck.require(format, file);
    try {
      Criteria.Builder<NDList, NDList> builder = Criteria.builder().setTypes(NDList.class, NDList.class)
          .optModelPath(file).optEngine(format.engine()).optTranslator(new NoopTranslator()).optDevice(device);
      String threads = System.getProperty("ai.djl.pytorch.num_threads");
      if (format == ModelFormat.ONNX && threads != null) {
        // ONNX Runtime would use every core per call; a task gets spark.task.cpus threads, as libtorch does
        builder.optOption("intraOpNumThreads", threads).optOption("interOpNumThreads", "1");
      }
      Criteria<NDList, NDList> criteria = builder.build();
      ZooModel<NDList, NDList> m = criteria.loadModel();
      return new ExportedLm(format, m, vocab, cacheGeometry, identityOf(format, file, cacheGeometry), false);
    } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
      throw ConfigException.of("model.path", "must be a " + format.configName() + " file the " + format.engine()
          + " engine can load (" + firstLine(e) + ")", "'" + file + "'");
    }
  }

  /** The first line of an engine error: libtorch appends a C++ stack trace that says nothing to a user. */
  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public NDArray nextTokenLogits(NDManager manager, int[][] sequences) {
    float[] out = new float[sequences.length * vocab];
    Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
    for (int i = 0; i < sequences.length; i++) {
      if (sequences[i].length == 0) {
        throw new IllegalArgumentException("row " + i + " has no tokens (a causal LM needs at least one)");
      }
      byLength.computeIfAbsent(sequences[i].length, k -> new ArrayList<>()).add(i);
    }
    if (cached) {
      cache.beginCall();
      try {
        for (List<Integer> rows : byLength.values()) {
          runCached(sequences, rows, out);
        }
      } finally {
        cache.endCall();
      }
    } else {
      for (List<Integer> rows : byLength.values()) {
        runFull(sequences, rows, out);
      }
    }
    return manager.create(out, new Shape(sequences.length, vocab));
  }

  private void runFull(int[][] sequences, List<Integer> rows, float[] out) {
    int t = sequences[rows.get(0)].length;
    try (NDManager m = model.getNDManager().newSubManager()) {
      long[] ids = new long[rows.size() * t];
      for (int r = 0; r < rows.size(); r++) {
        for (int j = 0; j < t; j++) {
          ids[r * t + j] = sequences[rows.get(r)][j];
        }
      }
      NDList result = predictor.predict(new NDList(m.create(ids, new Shape(rows.size(), t))));
      copyLast(result.get(0), rows, out);
    } catch (TranslateException e) {
      throw new IllegalStateException(format.configName() + " forward failed: " + e.getMessage(), e);
    }
  }

  /** Rows whose prefix is cached feed one token with their past; the others run their whole sequence. */
  private void runCached(int[][] sequences, List<Integer> rows, float[] out) {
    List<Integer> extend = new ArrayList<>();
    List<Integer> fresh = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (int r : rows) {
      long prefix = prefixKey(sequences[r], sequences[r].length - 1);
      if (cache.contains(prefix) && seen.add(prefix)) {
        extend.add(r);
      } else {
        fresh.add(r);
      }
    }
    if (!fresh.isEmpty()) {
      forwardCached(sequences, fresh, false, out);
    }
    if (!extend.isEmpty()) {
      forwardCached(sequences, extend, true, out);
    }
  }

  private void forwardCached(int[][] sequences, List<Integer> rows, boolean extend, float[] out) {
    int full = sequences[rows.get(0)].length;
    int t = extend ? 1 : full;
    int past = extend ? full - 1 : 0;
    try (NDManager m = model.getNDManager().newSubManager();
        PrefixCache.Past taken = extend ? cache.take(prefixes(sequences, rows, full - 1)) : null) {
      long[] ids = new long[rows.size() * t];
      for (int r = 0; r < rows.size(); r++) {
        for (int j = 0; j < t; j++) {
          ids[r * t + j] = sequences[rows.get(r)][full - t + j];
        }
      }
      NDArray pastArray = extend ? taken.array()
          : m.zeros(new Shape(cacheGeometry[0], 2, rows.size(), cacheGeometry[1], 0, cacheGeometry[2]));
      NDList result = predictor.predict(new NDList(m.create(ids, new Shape(rows.size(), t)), pastArray,
          m.create((long) past)));
      copyLast(result.get(0), rows, out);
      NDArray present = result.get(1);
      NDArray kept;
      if (format == ModelFormat.TORCHSCRIPT) {
        // stays on the model's device: the next step feeds it back without a host round trip
        present.attach(cache.manager());
        kept = present;
      } else {
        kept = cache.manager().from(present);
      }
      cache.put(prefixes(sequences, rows, full), kept);
    } catch (TranslateException e) {
      throw new IllegalStateException(format.configName() + " forward failed: " + e.getMessage(), e);
    }
  }

  private static List<Long> prefixes(int[][] sequences, List<Integer> rows, int length) {
    List<Long> keys = new ArrayList<>(rows.size());
    for (int r : rows) {
      keys.add(prefixKey(sequences[r], length));
    }
    return keys;
  }

  private void copyLast(NDArray logits, List<Integer> rows, float[] out) {
    long t = logits.getShape().get(1);
    float[] last = logits.get(new NDIndex(":, {}, :", t - 1)).toFloatArray();
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(last, r * vocab, out, rows.get(r) * vocab, vocab);
    }
  }

  private static long prefixKey(int[] seq, int length) {
    long h = Hash64.mix(length);
    for (int i = 0; i < length; i++) {
      h = Hash64.combine(h, seq[i]);
    }
    return h;
  }

  /** Drops every cached row. */
  public void clearCache() {
    if (cache != null) {
      cache.clear();
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
    predictor.close();
    if (!shared) {
      model.close();
    }
  }
}
