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
 * be local paths readable from every executor, or Hadoop file system URIs when {@code files} fetches them. A class,
 * not a record, so that Kryo can broadcast it.
 */
public final class ExportedModelSpec implements ModelSpec {
  private static final long serialVersionUID = 1L;
  private final ModelFormat format;
  private final ModelFiles files;
  private final String modelPath;
  private final String tokenizerPath;
  private final int vocabSize;
  private final int bosId;
  private final int[] eosIds;
  private final long[] cacheGeometry;
  private final String identity;
  private final int context;

  private ExportedModelSpec(ModelFormat format, ModelFiles files, String modelPath, String tokenizerPath, int vocabSize, int bosId, List<Integer> eosIds,
      long[] cacheGeometry, String identity, int context) {
    if (context < 0) {
      throw ConfigException.of("model.context", "must be >= 0 (0 = unlimited)", context);
    }
    this.context = context;
    if (vocabSize < 1) {
      throw ConfigException.of("model.vocab_size", "must be the model's vocabulary size (> 0)", vocabSize);
    }
    this.format = format;
    this.files = files;
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

  /** A local copy of the tokenizer.json. */
  public Path localTokenizer() {
    return files.local("model.tokenizer", tokenizerPath);
  }

  @Override
  public List<Integer> bannedIds() {
    return bosId < 0 ? List.of() : List.of(bosId);
  }

  @Override
  public List<Integer> eosIds() {
    return java.util.Arrays.stream(eosIds).boxed().toList();
  }

  /**
   * Validates the files on the driver (before any task runs) and records the model's identity;
   * {@code files} makes local copies of the locations, here and on the executors.
   */
  public static ExportedModelSpec of(ModelFormat format, ModelFiles files, String modelPath, String tokenizerPath, int vocabSize, int bosId,
      List<Integer> eosIds, long[] cacheGeometry, int context) {
    HfTokenizer.load(files.local("model.tokenizer", tokenizerPath)).close();
    try (ExportedLm probe = ExportedLm.load(format, files.local("model.path", modelPath), vocabSize, cacheGeometry, Device.cpu())) {
      return new ExportedModelSpec(format, files, modelPath, tokenizerPath, vocabSize, bosId, eosIds, cacheGeometry, probe.identity(),
          context);
    }
  }

  @Override
  public PromptEncoder encoder() {
    HfTokenizer tokenizer = HfTokenizer.load(localTokenizer());
    return new PromptEncoder() {
      @Override
      public int[] encode(String text) {
        return withBos(tokenizer.encode(text));
      }

      @Override
      public void close() {
        tokenizer.close();
      }
    };
  }

  private int[] withBos(int[] ids) {
    if (bosId < 0) {
      return ids;
    }
    int[] out = new int[ids.length + 1];
    out[0] = bosId;
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  @Override
  public LoadedModel open(Device device) {
    ExportedLm lm = ExportedLm.shared(format, files.local("model.path", modelPath), vocabSize, cacheGeometry, device);
    HfTokenizer tokenizer = HfTokenizer.load(localTokenizer());
    return new LoadedModel(lm, text -> withBos(tokenizer.encode(text)), tokenizer::decode, eosIds(), bannedIds(), () -> {
          lm.close();
          tokenizer.close();
        });
  }
}
