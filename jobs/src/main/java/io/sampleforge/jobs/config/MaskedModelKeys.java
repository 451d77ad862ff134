package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.ModelFormat;

/**
 * The config rules of an exported masked LM ({@code model.type: torchscript | onnx} with a {@code
 * diffusion:} block): {@code model.path}, {@code model.tokenizer}, {@code model.vocab_size}, {@code
 * model.mask_id} and {@code model.length} are required; {@code model.cached: true} with {@code
 * layers}, {@code heads} and {@code head_dim} selects the cached masked contract (TorchScript only,
 * not with {@code logits_shift}), which {@code diffusion.kv_cache} needs; the causal contract's
 * keys (the export folder {@code dir}, {@code context}), geometry keys without {@code cached} and
 * the n-gram keys are refused, naming the key, instead of being ignored.
 */
final class MaskedModelKeys {
  private MaskedModelKeys() {}

  static void requireMaskedKeys(GenerateJobConfig.ModelConfig m) {
    if (m.maskId() == null || m.length() == null) {
      throw ConfigException.of("model.mask_id/model.length", "are required for masked-diffusion sampling of an "
          + "exported model (the mask token's id, and the positions per sequence, prompt included)",
          "model.mask_id=" + m.maskId() + ", model.length=" + m.length());
    }
    String[] names = {"dir", "context"};
    Object[] values = {m.dir(), m.context()};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        throw ConfigException.of("model." + names[i], "does not apply to a masked model (give model.path, "
            + "model.tokenizer, model.vocab_size, model.mask_id and model.length; the masked contract has no export "
            + "folder and no context window)", values[i]);
      }
    }
    if (m.cached()) {
      if (m.format() != ModelFormat.TORCHSCRIPT) {
        throw ConfigException.of("model.cached", "the cached masked contract is TorchScript only (model.type "
            + "torchscript)", "model.type " + m.type());
      }
      if (Boolean.TRUE.equals(m.logitsShift())) {
        throw ConfigException.of("model.cached/model.logits_shift", "a cached masked model cannot shift its logits "
            + "(Dream-style shifted models have no cached export here)", "model.logits_shift true");
      }
    } else {
      String[] geometry = {"layers", "heads", "head_dim"};
      Integer[] given = {m.layers(), m.heads(), m.headDim()};
      for (int i = 0; i < geometry.length; i++) {
        if (given[i] != null) {
          throw ConfigException.of("model." + geometry[i], "applies to a cached masked model only (set model.cached: "
              + "true for the cached masked contract)", given[i]);
        }
      }
    }
    if (m.path() == null || m.tokenizer() == null || m.vocabSize() == null) {
      throw ConfigException.of("model", m.type() + " masked model needs path, tokenizer and vocab_size",
          "path=" + m.path() + ", tokenizer=" + m.tokenizer() + ", vocab_size=" + m.vocabSize());
    }
  }
}
