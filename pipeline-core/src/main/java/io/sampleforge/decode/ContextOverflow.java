package io.sampleforge.decode;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * Prompts that leave no room in the model context (at least one new token must fit): {@link
 * #ERROR} refuses the input (exit 3, with the count and an example id) before generating;
 * {@link #TRUNCATE_LEFT} drops the oldest prompt tokens (keeping a start-of-sequence id).
 */
public enum ContextOverflow {
  ERROR, TRUNCATE_LEFT;

  public static ContextOverflow parse(String s) {
    if (s == null) {
      return ERROR;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "error" -> ERROR;
      case "truncate-left" -> TRUNCATE_LEFT;
      default -> throw ConfigException.of("context_overflow", "must be error or truncate-left", "'" + s + "'");
    };
  }

  /** The prompt cut to at most {@code limit} tokens from the right, keeping the first id when {@code keepFirst}. */
  public static int[] truncateLeft(int[] ids, int limit, boolean keepFirst) {
    if (ids.length <= limit) {
      return ids;
    }
    int[] out = new int[limit];
    int from = ids.length - limit;
    if (keepFirst) {
      out[0] = ids[0];
      System.arraycopy(ids, ids.length - (limit - 1), out, 1, limit - 1);
    } else {
      System.arraycopy(ids, from, out, 0, limit);
    }
    return out;
  }
}
