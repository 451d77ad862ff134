package io.sampleforge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder written by src/main/python/export_hf_causal_lm.py: model.pt / model_cached.pt
 * (TorchScript), model.onnx / model_cached.onnx (ONNX), tokenizer.json, and sampleforge.json with
 * the model keys of the generate job (vocab_size, layers, heads, head_dim, context, bos_id,
 * eos_ids). Reading it costs one small JSON parse.
 */
public record ExportDirectory(String dir, int vocabSize, int layers, int heads, int headDim, int context, int bosId,
    List<Integer> eosIds) {

  public ExportDirectory {
    eosIds = List.copyOf(eosIds);
  }

  /**
   * Reads {@code dir/sampleforge.json} ({@code dir} a local path or, through {@code files}, a Hadoop
   * file system URI); a missing or malformed file is a config error naming {@code model.dir}.
   */
  public static ExportDirectory read(String dir, ModelFiles files) {
    Path meta = files.local("model.dir", ModelFiles.join(dir, "sampleforge.json"));
    if (!Files.isRegularFile(meta)) {
      throw ConfigException.of("model.dir", "must be a folder written by export_hf_causal_lm.py (with sampleforge.json)",
          "'" + dir + "'");
    }
    try {
      JsonNode j = new ObjectMapper().readTree(meta.toFile());
      List<Integer> eos = new ArrayList<>();
      j.path("eos_ids").forEach(e -> eos.add(e.asInt()));
      for (String key : List.of("vocab_size", "layers", "heads", "head_dim")) {
        if (!j.path(key).canConvertToInt() || j.path(key).asInt() < 1) {
          throw ConfigException.of("model.dir", "sampleforge.json must hold a positive " + key, "'" + meta + "'");
        }
      }
      return new ExportDirectory(dir, j.get("vocab_size").asInt(), j.get("layers").asInt(), j.get("heads").asInt(),
          j.get("head_dim").asInt(), j.path("context").asInt(0), j.path("bos_id").asInt(-1), eos);
    } catch (IOException e) {
      throw ConfigException.of("model.dir", "sampleforge.json must be JSON (" + e.getMessage() + ")", "'" + meta + "'");
    }
  }

  /** The model file of a format and contract (it may be absent when the export skipped it). */
  public String modelFile(ModelFormat format, boolean cached) {
    String ext = format == ModelFormat.ONNX ? ".onnx" : ".pt";
    return ModelFiles.join(dir, (cached ? "model_cached" : "model") + ext);
  }

  public String tokenizer() {
    return ModelFiles.join(dir, "tokenizer.json");
  }

  /** Layers, key/value heads, head dimension: the cached contract's geometry. */
  public long[] cacheGeometry() {
    return new long[] {layers, heads, headDim};
  }
}
