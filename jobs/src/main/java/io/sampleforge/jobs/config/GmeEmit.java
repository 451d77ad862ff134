package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** What the gme job writes: the ranking, the selected items' input rows, or both (in ranking/ and rows/). */
public enum GmeEmit {
  RANKING, ROWS, BOTH;

  @JsonCreator
  public static GmeEmit parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw ConfigException.of("emit", "must be ranking, rows or both", "'" + text + "'");
    }
  }

  public boolean ranking() {
    return this != ROWS;
  }

  public boolean rows() {
    return this != RANKING;
  }

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
