package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** File formats jobs read (Parquet, or CSV/TSV with a header) and write. */
public enum TableFormat {
  PARQUET, CSV, TSV;

  @JsonCreator
  public static TableFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("format", "must be parquet, csv or tsv", "'" + text + "'");
    }
  }

  /** The format implied by a path's extension (.csv, .tsv; Parquet otherwise). */
  public static TableFormat ofPath(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".csv") ? CSV : p.endsWith(".tsv") ? TSV : PARQUET;
  }

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
