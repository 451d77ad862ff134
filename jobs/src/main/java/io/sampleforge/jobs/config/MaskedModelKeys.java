package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;

/**
 * The config rules of an exported masked LM ({@code model.type: torchscript | onnx} with a {@code
 * diffusion:} block): {@code model.path}, {@code model.tokenizer}, {@code model.vocab_size}, {@code
 * model.mask_id} and {@code model.length} are required; the causal contract's keys (the export
 * folder {@code dir}, the KV-cache geometry, {@code context}) and the n-gram keys are refused, naming
 * the key, instead of being ignored.
 */
final class MaskedModelKeys {
  private MaskedModelKeys() {}

  static void requireMaskedKeys(GenerateJobConfig.ModelConfig m) {
    if (m.maskId() == null || m.length() == null) {
      throw ConfigException.of("model.mask_id/model.length", "are required for masked-diffusion sampling of an "
          + "exported model (the mask token's id, and the positions per sequence, prompt included)",
          "model.mask_id=" + m.maskId() + ", model.length=" + m.length());
    }
    String[] names = {"dir", "cached", "layers", "heads", "head_dim", "context"};
    Object[] values = {m.dir(), m.cached() ? Boolean.TRUE : null, m.layers(), m.heads(), m.headDim(), m.context()};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        throw ConfigException.of("model." + names[i], "does not apply to a masked model (give model.path, "
            + "model.tokenizer, model.vocab_size, model.mask_id and model.length; the masked contract has no cache "
            + "and no export folder)", values[i]);
      }
    }
    if (m.path() == null || m.tokenizer() == null || m.vocabSize() == null) {
      throw ConfigException.of("model", m.type() + " masked model needs path, tokenizer and vocab_size",
          "path=" + m.path() + ", tokenizer=" + m.tokenizer() + ", vocab_size=" + m.vocabSize());
    }
  }
}
