package io.sampleforge.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (any model type the Rust tokenizers library reads) through
 * DJL's tokenizers binding, offline from a local file; no special tokens are added. Cost: the
 * library's, roughly linear in the text length.
 */
public final class HfTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private HfTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  public static HfTokenizer load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw ConfigException.of("model.tokenizer", "must be a readable tokenizer.json file", "'" + file + "'");
    }
    try {
      return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false")));
    } catch (IOException | RuntimeException e) {
      throw ConfigException.of("model.tokenizer", "must be a valid Hugging Face tokenizer.json (" + e.getMessage() + ")",
          "'" + file + "'");
    }
  }

  public int[] encode(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
