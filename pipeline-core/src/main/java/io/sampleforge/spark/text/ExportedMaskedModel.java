package io.sampleforge.spark.text;

import ai.djl.Device;
import io.sampleforge.diffusion.discrete.MaskedDenoiser;
import io.sampleforge.diffusion.discrete.ShiftedDenoiser;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.CachedMaskedLm;
import io.sampleforge.model.ExportedMaskedDenoiser;
import io.sampleforge.model.KvGeometry;
import io.sampleforge.spark.common.TaskDevices;
import io.sampleforge.text.HfTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An exported masked (bidirectional) LM as the model of masked-diffusion generation: a TorchScript
 * or ONNX file under the masked export contract ({@link ExportedMaskedDenoiser}; docs/diffusion.md
 * "Masked model export contract") and its Hugging Face tokenizer.json, both by path (local or a Hadoop file
 * system URI, copied once per JVM by the {@link ModelFiles} given), with the mask id, the optional
 * start-of-sequence id put before every prompt (LLaDA's BOS), the end-of-sequence ids, the total
 * sequence length and whether the model predicts position l at output l - 1 (Dream: {@link
 * ShiftedDenoiser}). A prompt is its tokenizer ids at the first positions; a sample's completion is
 * the generated span read up to its first end-of-sequence token (the models are trained with EOS
 * padding to the full length, as LLaDA and the toy_mlm fixture are), decoded by the tokenizer.
 * {@link #of} validates everything on the driver (one forward of the model on the CPU); each task
 * loads the model through the per-JVM cache on its {@link TaskDevices#current()} device. Cost: one
 * model load per JVM and device; per prompt the tokenizer's encode; per sample one decode.
 */
public final class ExportedMaskedModel implements MaskedModelSpec {
  private static final long serialVersionUID = 1L;
  private final ModelFormat format;
  private final ModelFiles files;
  private final String modelPath;
  private final String tokenizerPath;
  private final int vocabSize;
  private final int maskId;
  private final int bosId;
  private final int[] eosIds;
  private final int length;
  private final boolean logitsShift;
  private final KvGeometry cache;
  private final String identity;

  private ExportedMaskedModel(ModelFormat format, ModelFiles files, String modelPath, String tokenizerPath,
      int vocabSize, int maskId, int bosId, int[] eosIds, int length, boolean logitsShift, KvGeometry cache,
      String fileIdentity) {
    this.format = format;
    this.files = files;
    this.modelPath = modelPath;
    this.tokenizerPath = tokenizerPath;
    this.vocabSize = vocabSize;
    this.maskId = maskId;
    this.bosId = bosId;
    this.eosIds = eosIds;
    this.length = length;
    this.logitsShift = logitsShift;
    this.cache = cache;
    this.identity = "{\"type\":\"" + format.configName() + "\",\"contract\":\"masked\",\"file\":\""
        + fileIdentity.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"mask_id\":" + maskId + ",\"bos_id\":"
        + (bosId < 0 ? "null" : bosId) + ",\"eos_ids\":" + Arrays.toString(eosIds).replace(" ", "") + ",\"length\":"
        + length + (logitsShift ? ",\"logits_shift\":true" : "") + (cache == null ? "" : ",\"cached\":{\"layers\":"
        + cache.layers() + ",\"heads\":" + cache.heads() + ",\"head_dim\":" + cache.headDim() + "}") + "}";
  }

  /**
   * Checks the keys and the files on the driver and returns the spec. Errors are ConfigExceptions
   * naming model.type, model.length, model.mask_id, model.bos_id, model.eos_ids, model.path,
   * model.tokenizer or model.vocab_size.
   */
  public static ExportedMaskedModel of(ModelFormat format, ModelFiles files, String modelPath, String tokenizerPath,
      int vocabSize, int maskId, int bosId, List<Integer> eosIds, int length, boolean logitsShift, KvGeometry cache) {
    if (length < 1) {
      throw ConfigException.of("model.length", "must be >= 1 (positions per sequence, prompt included)", length);
    }
    if (bosId >= vocabSize || bosId == maskId) {
      throw ConfigException.of("model.bos_id", "must be a token id in [0, model.vocab_size = " + vocabSize
          + ") other than model.mask_id " + maskId, bosId);
    }
    for (int e : eosIds) {
      if (e < 0 || e >= vocabSize || e == maskId) {
        throw ConfigException.of("model.eos_ids", "must be token ids in [0, model.vocab_size = " + vocabSize
            + ") other than model.mask_id " + maskId, eosIds);
      }
    }
    HfTokenizer.load(files.local("model.tokenizer", tokenizerPath)).close();
    // the probe may be the JVM's first engine use: in local mode the tasks share the engine, which must
    // start with the per-task thread count (all cores per task oversubscribes the CPU: OpenMP spins)
    TaskDevices.configureThreads();
    if (cache != null && (format != ModelFormat.TORCHSCRIPT || logitsShift)) {
      throw ConfigException.of("model.cached", "the cached masked contract is TorchScript only and has no shifted "
          + "logits", "model.type " + format.configName() + ", logits_shift " + logitsShift);
    }
    String fileIdentity;
    if (cache != null) {
      try (CachedMaskedLm probe = CachedMaskedLm.load(files.local("model.path", modelPath), vocabSize, maskId, cache,
          Device.cpu())) {
        fileIdentity = probe.identity();
      }
    } else {
      try (ExportedMaskedDenoiser probe = ExportedMaskedDenoiser.load(format, files.local("model.path", modelPath),
          vocabSize, maskId, Device.cpu())) {
        fileIdentity = probe.identity();
      }
    }
    return new ExportedMaskedModel(format, files, modelPath, tokenizerPath, vocabSize, maskId, Math.max(bosId, -1),
        eosIds.stream().mapToInt(Integer::intValue).toArray(), length, logitsShift, cache, fileIdentity);
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int vocabularySize() {
    return vocabSize;
  }

  @Override
  public MaskedPrompts prompts() {
    return new Opened(HfTokenizer.load(files.local("model.tokenizer", tokenizerPath)), (ExportedMaskedDenoiser) null);
  }

  @Override
  public OpenMaskedModel open() {
    TaskDevices.configureThreads();
    HfTokenizer tokenizer = HfTokenizer.load(files.local("model.tokenizer", tokenizerPath));
    try {
      Path file = files.local("model.path", modelPath);
      return cache != null
          ? new Opened(tokenizer, CachedMaskedLm.shared(file, vocabSize, maskId, cache, TaskDevices.current()))
          : new Opened(tokenizer, ExportedMaskedDenoiser.shared(format, file, vocabSize, maskId, TaskDevices.current()));
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  private boolean isEos(int id) {
    for (int e : eosIds) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }

  /** The tokenizer, and the model when opened for sampling. */
  private final class Opened implements OpenMaskedModel {
    private final HfTokenizer tokenizer;
    private final MaskedDenoiser denoiser;
    private final Runnable closeModel;
    private final MaskedDenoiser view;
    private final TokenSpace tokens;

    Opened(HfTokenizer tokenizer, ExportedMaskedDenoiser denoiser) {
      this(tokenizer, denoiser, denoiser == null ? () -> { } : denoiser::close);
    }

    Opened(HfTokenizer tokenizer, CachedMaskedLm denoiser) {
      this(tokenizer, denoiser, denoiser::close);
    }

    private Opened(HfTokenizer tokenizer, MaskedDenoiser denoiser, Runnable closeModel) {
      this.tokenizer = tokenizer;
      this.denoiser = denoiser;
      this.closeModel = closeModel;
      this.view = denoiser == null || !logitsShift ? denoiser : new ShiftedDenoiser(denoiser);
      this.tokens = new TokenSpace(vocabSize, maskId, eosIds, () -> {
        List<String> strings = new ArrayList<>(vocabSize);
        for (int i = 0; i < vocabSize; i++) {
          strings.add(tokenizer.decode(new int[] {i}));
        }
        return strings;
      });
    }

    @Override
    public int[] encode(String text) {
      int[] words = text == null || text.isBlank() ? new int[0] : tokenizer.encode(text);
      int[] ids = bosId < 0 ? words : prepend(bosId, words);
      if (ids.length > length) {
        throw new IllegalArgumentException(ids.length + " tokens" + (bosId < 0 ? "" : " (model.bos_id included)")
            + ", more than model.length " + length);
      }
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] == maskId) {
          throw new IllegalArgumentException("the mask token (model.mask_id " + maskId + ") at token " + i);
        }
        if (ids[i] < 0 || ids[i] >= vocabSize) {
          throw new IllegalArgumentException("token id " + ids[i] + " at token " + i + " outside [0, model.vocab_size "
              + vocabSize + ")");
        }
      }
      return ids;
    }

    private static int[] prepend(int first, int[] rest) {
      int[] out = new int[rest.length + 1];
      out[0] = first;
      System.arraycopy(rest, 0, out, 1, rest.length);
      return out;
    }

    @Override
    public MaskedDenoiser denoiser() {
      if (denoiser == null) {
        throw new IllegalStateException("opened for prompts only");
      }
      return view;
    }

    @Override
    public TokenSpace tokens() {
      return tokens;
    }

    @Override
    public MaskedCompletion read(int[] sample, int from) {
      int end = from;
      while (end < sample.length && !isEos(sample[end])) {
        end++;
      }
      int[] generated = Arrays.copyOfRange(sample, from, end);
      int count = (int) Arrays.stream(generated).filter(t -> t != maskId).count();
      String text = Arrays.stream(generated).mapToObj(t -> t == maskId ? MaskedDiffusionRunner.MASK
          : tokenizer.decode(new int[] {t})).collect(Collectors.joining(" "));
      return new MaskedCompletion(count == generated.length ? tokenizer.decode(generated) : text, count,
          end < sample.length ? "eos" : "length");
    }

    @Override
    public void close() {
      tokenizer.close();
      closeModel.run();
    }
  }
}
