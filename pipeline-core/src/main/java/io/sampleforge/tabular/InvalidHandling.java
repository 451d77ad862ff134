package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** What to do with rows whose label is null or whose features are null, NaN or infinite. */
public enum InvalidHandling {
  /** Fail, naming the column, the count and the first offending row (the default). */
  ERROR,
  /** Drop such rows and report how many were dropped. */
  DROP;

  /** The name used in configs and Params. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static InvalidHandling parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("on_invalid", "must be error or drop", "'" + text + "'");
    }
  }
}
