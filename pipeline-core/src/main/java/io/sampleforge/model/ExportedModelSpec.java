package io.sampleforge.model;

import ai.djl.Device;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.text.HfTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * An exported causal LM file, TorchScript or ONNX (see {@link ExportedLm} for the export
 * contract), with a Hugging Face tokenizer.json; {@code bosId} (or -1) is prepended to every prompt; {@code cacheGeometry}
 * (layers, heads, head dimension) selects the cached contract, null the uncached one. Paths must
 * be readable from every executor (a shared file system or files shipped with --files). A class,
 * not a record, so that Kryo can broadcast it.
 */
public final class ExportedModelSpec implements ModelSpec {
  private static final long serialVersionUID = 1L;
  private final ModelFormat format;
  private final String modelPath;
  private final String tokenizerPath;
  private final int vocabSize;
  private final int bosId;
  private final int[] eosIds;
  private final long[] cacheGeometry;
  private final String identity;
  private final int context;

  private ExportedModelSpec(ModelFormat format, String modelPath, String tokenizerPath, int vocabSize, int bosId, List<Integer> eosIds,
      long[] cacheGeometry, String identity, int context) {
    if (context < 0) {
      throw ConfigException.of("model.context", "must be >= 0 (0 = unlimited)", context);
    }
    this.context = context;
    if (vocabSize < 1) {
      throw ConfigException.of("model.vocab_size", "must be the model's vocabulary size (> 0)", vocabSize);
    }
    this.format = format;
    this.modelPath = modelPath;
    this.tokenizerPath = tokenizerPath;
    this.vocabSize = vocabSize;
    this.bosId = bosId;
    this.eosIds = eosIds.stream().mapToInt(Integer::intValue).toArray();
    this.cacheGeometry = cacheGeometry;
    this.identity = identity;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public int context() {
    return context;
  }

  @Override
  public boolean startsWithBos() {
    return bosId >= 0;
  }

  /** The tokenizer.json path (readable from every executor). */
  public String tokenizerPath() {
    return tokenizerPath;
  }

  public List<Integer> eosIds() {
    return java.util.Arrays.stream(eosIds).boxed().toList();
  }

  /** Validates the files on the driver (before any task runs) and records the model's identity. */
  public static ExportedModelSpec of(ModelFormat format, String modelPath, String tokenizerPath, int vocabSize, int bosId,
      List<Integer> eosIds, long[] cacheGeometry, int context) {
    HfTokenizer.load(Path.of(tokenizerPath)).close();
    try (ExportedLm probe = ExportedLm.load(format, Path.of(modelPath), vocabSize, cacheGeometry, Device.cpu())) {
      return new ExportedModelSpec(format, modelPath, tokenizerPath, vocabSize, bosId, eosIds, cacheGeometry, probe.identity(),
          context);
    }
  }

  @Override
  public LoadedModel open(Device device) {
    ExportedLm lm = ExportedLm.shared(format, Path.of(modelPath), vocabSize, cacheGeometry, device);
    HfTokenizer tokenizer = HfTokenizer.load(Path.of(tokenizerPath));
    return new LoadedModel(lm, text -> {
      int[] ids = tokenizer.encode(text);
      if (bosId < 0) {
        return ids;
      }
      int[] withBos = new int[ids.length + 1];
      withBos[0] = bosId;
      System.arraycopy(ids, 0, withBos, 1, ids.length);
      return withBos;
    }, tokenizer::decode, eosIds(), bosId < 0 ? List.of() : List.of(bosId), () -> {
      lm.close();
      tokenizer.close();
    });
  }
}
