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
public record ExportDirectory(Path dir, int vocabSize, int layers, int heads, int headDim, int context, int bosId,
    List<Integer> eosIds) {

  public ExportDirectory {
    eosIds = List.copyOf(eosIds);
  }

  /** Reads {@code dir/sampleforge.json}; a missing or malformed file is a config error naming {@code model.dir}. */
  public static ExportDirectory read(Path dir) {
    Path meta = dir.resolve("sampleforge.json");
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
  public Path modelFile(ModelFormat format, boolean cached) {
    String ext = format == ModelFormat.ONNX ? ".onnx" : ".pt";
    return dir.resolve((cached ? "model_cached" : "model") + ext);
  }

  public Path tokenizer() {
    return dir.resolve("tokenizer.json");
  }

  /** Layers, key/value heads, head dimension: the cached contract's geometry. */
  public long[] cacheGeometry() {
    return new long[] {layers, heads, headDim};
  }
}
