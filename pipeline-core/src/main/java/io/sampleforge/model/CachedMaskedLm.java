package io.sampleforge.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.sampleforge.diffusion.discrete.DenoiserOutput;
import io.sampleforge.diffusion.discrete.FloatLogits;
import io.sampleforge.diffusion.discrete.KvCachedDenoiser;
import io.sampleforge.diffusion.discrete.WindowOutput;
import io.sampleforge.errors.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A masked (bidirectional) LM exported to TorchScript under the cached masked contract, as a
 * {@link KvCachedDenoiser}: the model side of Fast-dLLM's block-wise prefix and dual caches (Wu et
 * al., arXiv 2505.22618; NVlabs/Fast-dLLM {@code llada/generate.py}). Contract (docs/diffusion.md,
 * "Cached masked model contract"; src/test/resources/model/make_masked_cached.py writes it from an
 * uncached export): {@code forward(input_ids int64 [B, W], start int64 [], past float32 [N, 2, B, H,
 * L, D]) -> (logits float32 [B, W, V], present float32 [N, 2, B, H, L, D])}, where the window holds the
 * tokens of positions [start, start + W), each layer's fresh keys/values of the window replace the
 * past's at those positions and the window attends to all L positions; a full forward is start 0,
 * W = L and a zero past. Time-agnostic, no attention mask, like {@link ExportedMaskedDenoiser}, whose
 * file checks, device and thread rules this class shares.
 *
 * <p>Kept keys/values stay on the model's device, one tensor per {@link #refresh} that its rows refer
 * to by index; a {@link #window} call whose rows are exactly one refresh's rows in order feeds that
 * tensor back without a copy, otherwise the rows' slices are concatenated. Cost: a refresh is one
 * full forward; a window call is a forward over W positions (O(W L) attention) plus, for a regrouped
 * batch, one copy of the rows' keys/values; the logits of the W positions are copied to the host.
 */
public final class CachedMaskedLm implements KvCachedDenoiser, AutoCloseable {
  private static final Map<String, ZooModel<NDList, NDList>> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, String> IDENTITIES = new ConcurrentHashMap<>();

  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final NDManager kept;
  private final int vocab;
  private final int maskId;
  private final KvGeometry geometry;
  private final String identity;
  private final boolean shared;

  private CachedMaskedLm(ZooModel<NDList, NDList> model, int vocab, int maskId, KvGeometry geometry, String identity,
      boolean shared) {
    this.model = model;
    this.predictor = model.newPredictor();
    this.kept = model.getNDManager().newSubManager();
    this.vocab = vocab;
    this.maskId = maskId;
    this.geometry = geometry;
    this.identity = identity;
    this.shared = shared;
  }

  /**
   * Loads the TorchScript file on {@code device} and checks, with one full forward of a single mask
   * token, the contract's output shapes. Errors are ConfigExceptions naming {@code model.path},
   * {@code model.vocab_size}, {@code model.mask_id} or the geometry key that disagrees.
   */
  public static CachedMaskedLm load(Path file, int vocab, int maskId, KvGeometry geometry, Device device) {
    ExportedMaskedDenoiser.checkIds(vocab, maskId);
    if (geometry == null) {
      throw ConfigException.of("model.layers", "a cached masked model needs its key/value geometry (model.layers, "
          + "model.heads, model.head_dim)", "null");
    }
    ZooModel<NDList, NDList> m = ExportedMaskedDenoiser.loadZoo(ModelFormat.TORCHSCRIPT, file, device);
    CachedMaskedLm d = new CachedMaskedLm(m, vocab, maskId, geometry,
        ExportedLm.identityOf(ModelFormat.TORCHSCRIPT, file, null) + "[masked, cached, mask_id=" + maskId + "]", false);
    try {
      d.probe(file);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** A predictor over a model loaded once per JVM, file, geometry and device; {@link #close()} closes only it. */
  public static CachedMaskedLm shared(Path file, int vocab, int maskId, KvGeometry geometry, Device device) {
    Device runnable = ExportedLm.runnableDevice(ModelFormat.TORCHSCRIPT, device);
    String key = file.toAbsolutePath() + "@" + runnable + "#" + vocab + "/" + maskId + "/" + geometry;
    ZooModel<NDList, NDList> m = LOADED.get(key);
    if (m == null) {
      synchronized (LOADED) {
        m = LOADED.get(key);
        if (m == null) {
          CachedMaskedLm first = load(file, vocab, maskId, geometry, runnable);
          first.predictor.close();
          first.kept.close();
          IDENTITIES.put(key, first.identity);
          LOADED.put(key, first.model);
          m = first.model;
        }
      }
    }
    return new CachedMaskedLm(m, vocab, maskId, geometry, IDENTITIES.get(key), true);
  }

  private void probe(Path file) {
    NDList out;
    try (NDManager m = model.getNDManager().newSubManager()) {
      try {
        out = predictor.predict(new NDList(m.create(new long[] {maskId}, new Shape(1, 1)), m.create(0L),
            m.zeros(new Shape(geometry.shape(1, 1)))));
      } catch (TranslateException | RuntimeException e) {
        throw ConfigException.of("model.path", "must follow the cached masked contract forward(input_ids [B, W], "
            + "start [], past [N, 2, B, H, L, D]) -> (logits, present) with model.layers/heads/head_dim = "
            + geometry.layers() + "/" + geometry.heads() + "/" + geometry.headDim() + " ("
            + ExportedMaskedDenoiser.firstLine(e) + ")", "'" + file + "'");
      }
      if (out.size() != 2) {
        throw ConfigException.of("model.path", "must return (logits, present) under the cached masked contract; it "
            + "returned " + out.size() + " tensors", "'" + file + "'");
      }
      long[] logits = out.get(0).getShape().getShape();
      long[] present = out.get(1).getShape().getShape();
      if (logits.length != 3 || logits[0] != 1 || logits[1] != 1) {
        throw ConfigException.of("model.path", "must return logits [B, W, V]; for [1, 1] it returned "
            + Arrays.toString(logits), "'" + file + "'");
      }
      if (logits[2] != vocab) {
        throw ConfigException.of("model.vocab_size", "must equal the model's output width " + logits[2] + " (" + file
            + ")", vocab);
      }
      if (!Arrays.equals(present, geometry.shape(1, 1))) {
        throw ConfigException.of("model.layers/heads/head_dim", "must match the model's present keys/values "
            + Arrays.toString(present) + " = [layers, 2, B, heads, L, head_dim]", geometry.layers() + "/"
            + geometry.heads() + "/" + geometry.headDim());
      }
    }
  }

  /** The model's identity: file name, content hash and mask id. */
  public String identity() {
    return identity;
  }

  /** The key/value geometry. */
  public KvGeometry geometry() {
    return geometry;
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

  /** One full forward (a zero past); the present keys/values are dropped. */
  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] times) {
    if (times.length != tokens.length) {
      throw new IllegalArgumentException("times has " + times.length + " entries for " + tokens.length + " rows");
    }
    Refreshed r = refresh(tokens);
    r.rows().forEach(RowCache::close);
    return r.output();
  }

  @Override
  public Refreshed refresh(int[][] tokens) {
    int batch = tokens.length;
    int length = batch == 0 ? 0 : tokens[0].length;
    long[] ids = ExportedMaskedDenoiser.ids(tokens, 0, length, vocab);
    if (batch == 0 || length == 0) {
      return new Refreshed(new FloatLogits(new float[0], batch, length, vocab, maskId), List.of());
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList out = forward(m, ids, batch, length, 0, m.zeros(new Shape(geometry.shape(batch, length))), length);
      NDArray present = out.get(1);
      present.attach(kept);
      Group group = new Group(present, batch);
      List<RowCache> rows = new ArrayList<>(batch);
      for (int b = 0; b < batch; b++) {
        rows.add(new Slot(group, b, length));
      }
      return new Refreshed(new FloatLogits(floats(out.get(0)), batch, length, vocab, maskId), rows);
    }
  }

  @Override
  public DenoiserOutput window(int[][] tokens, int from, int to, List<RowCache> caches) {
    int batch = tokens.length;
    int length = batch == 0 ? 0 : tokens[0].length;
    if (from < 0 || to > length || from >= to) {
      throw new IllegalArgumentException("window [" + from + ", " + to + ") is not a non-empty part of [0, " + length
          + ")");
    }
    if (caches.size() != batch) {
      throw new IllegalArgumentException(caches.size() + " kept caches for " + batch + " rows");
    }
    long[] ids = ExportedMaskedDenoiser.ids(tokens, from, to, vocab);
    List<Slot> slots = new ArrayList<>(batch);
    for (RowCache c : caches) {
      if (!(c instanceof Slot) || ((Slot) c).group.model != this) {
        throw new IllegalArgumentException("a kept cache that this model's refresh did not return");
      }
      Slot s = (Slot) c;
      if (s.length != length || s.group.present == null) {
        throw new IllegalArgumentException("a kept cache of " + s.length + " positions (closed: "
            + (s.group.present == null) + ") for rows of " + length);
      }
      slots.add(s);
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList out = forward(m, ids, batch, to - from, from, past(m, slots), length);
      FloatLogits logits = new FloatLogits(floats(out.get(0)), batch, to - from, vocab, maskId);
      return new WindowOutput(logits, from, length);
    }
  }

  /** The rows' kept keys/values as one [N, 2, B, H, L, D] tensor: a refresh's own tensor when the rows are all of it. */
  private NDArray past(NDManager m, List<Slot> slots) {
    Group first = slots.get(0).group;
    boolean whole = first.size == slots.size();
    for (int i = 0; i < slots.size() && whole; i++) {
      whole = slots.get(i).group == first && slots.get(i).index == i;
    }
    if (whole) {
      return first.present;
    }
    NDList parts = new NDList(slots.size());
    for (Slot s : slots) {
      NDArray part = s.group.present.get(new NDIndex(":, :, {}:{}", s.index, s.index + 1));
      part.attach(m);
      parts.add(part);
    }
    return NDArrays.concat(parts, 2);
  }

  private NDList forward(NDManager m, long[] ids, int batch, int width, int start, NDArray past, int length) {
    NDList out;
    try {
      out = predictor.predict(new NDList(m.create(ids, new Shape(batch, width)), m.create((long) start), past));
    } catch (TranslateException e) {
      throw new IllegalStateException("cached masked forward failed: " + ExportedMaskedDenoiser.firstLine(e), e);
    }
    Shape logits = out.get(0).getShape();
    if (logits.dimension() != 3 || logits.get(0) != batch || logits.get(1) != width || logits.get(2) != vocab) {
      throw new IllegalStateException("the cached masked model returned logits " + logits + " for a window of ["
          + batch + ", " + width + "]; the contract is [B, W, V = " + vocab + "]");
    }
    if (!Arrays.equals(out.get(1).getShape().getShape(), geometry.shape(batch, length))) {
      throw new IllegalStateException("the cached masked model returned keys/values " + out.get(1).getShape()
          + "; the contract is " + Arrays.toString(geometry.shape(batch, length)));
    }
    return out;
  }

  private static float[] floats(NDArray logits) {
    return logits.getDataType() == DataType.FLOAT32 ? logits.toFloatArray()
        : logits.toType(DataType.FLOAT32, false).toFloatArray();
  }

  @Override
  public void close() {
    kept.close();
    predictor.close();
    if (!shared) {
      model.close();
    }
  }

  /** One refresh's keys/values, freed when the last of its rows' caches is closed. */
  private final class Group {
    private final CachedMaskedLm model = CachedMaskedLm.this;
    private NDArray present;
    private final int size;
    private int live;

    private Group(NDArray present, int size) {
      this.present = present;
      this.size = size;
      this.live = size;
    }

    private void release() {
      if (--live == 0 && present != null) {
        present.close();
        present = null;
      }
    }
  }

  /** Row {@code index} of a group. */
  private static final class Slot implements RowCache {
    private final Group group;
    private final int index;
    private final int length;
    private boolean closed;

    private Slot(Group group, int index, int length) {
      this.group = group;
      this.index = index;
      this.length = length;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        group.release();
      }
    }
  }
}
