package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The key/value cache of Fast-dLLM's block-wise parallel decoding (Wu et al., arXiv 2505.22618,
 * section 3.2; NVlabs/Fast-dLLM {@code llada/generate.py}), config key {@code diffusion.cache}. The
 * cache is refreshed by a full forward at the first step of every block; the other steps of the
 * block run the model on a window of positions against the keys/values kept from that forward
 * ({@link KvCachedDenoiser}).
 * <ul>
 *   <li>{@link #NONE} ({@code none}): every step runs the whole sequence (exact model calls).</li>
 *   <li>{@link #PREFIX} ({@code prefix}, {@code generate_with_prefix_cache}): the window is the
 *       current block and everything after it; the prefix (prompt and finished blocks) is cached.</li>
 *   <li>{@link #DUAL} ({@code dual}, {@code generate_with_dual_cache}): the window is the current
 *       block alone; prefix and suffix are cached.</li>
 * </ul>
 * Both caches are approximations for a bidirectional model: the cached positions' keys/values of
 * layers after the first depend on the window's tokens, which change within the block.
 */
public enum CacheMode {
  NONE("none"),
  PREFIX("prefix"),
  DUAL("dual");

  private final String id;

  CacheMode(String id) {
    this.id = id;
  }

  /** The config name. */
  public String id() {
    return id;
  }

  /** The window end for a block [start, start + block) of rows of {@code length} positions. */
  public int windowEnd(int start, int block, int length) {
    return this == DUAL ? start + block : length;
  }

  /** The mode named {@code value} under config key {@code key}; a ConfigException lists the choices. */
  public static CacheMode parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (CacheMode c : values()) {
      if (c.id.equals(v)) {
        return c;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(CacheMode::id).toList(), value);
  }
}
