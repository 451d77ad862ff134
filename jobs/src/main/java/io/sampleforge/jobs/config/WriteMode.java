package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** What to do when the output path exists. */
public enum WriteMode {
  /** Refuse to run (the default): exit 2 before any work. */
  ERROR,
  /** Replace the old output only after the new one is complete. */
  OVERWRITE;

  @JsonCreator
  public static WriteMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("mode", "must be error or overwrite", "'" + text + "'");
    }
  }

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
