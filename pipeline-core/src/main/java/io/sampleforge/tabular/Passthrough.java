package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** What synthetic rows carry in columns that are neither features nor the label. */
public enum Passthrough {
  /** Copy the parent row's value (ids, timestamps, groups...). */
  PARENT,
  /** Leave the column null. */
  NULL;

  /** The name used in configs and Params. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Passthrough parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("passthrough", "must be parent or null", "'" + text + "'");
    }
  }
}
