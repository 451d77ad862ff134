package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** File formats jobs read (Parquet, or CSV with a header) and write. */
public enum TableFormat {
  PARQUET, CSV;

  @JsonCreator
  public static TableFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("format", "must be parquet or csv", "'" + text + "'");
    }
  }

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
