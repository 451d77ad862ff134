package io.sampleforge.spark.diffusion;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * What the {@code posterior} job writes per measured row ({@code output_rows}): {@code samples}, the S
 * posterior samples as S rows (the default), or {@code summary}, one row with each coordinate's posterior
 * mean, variance and central 90 % interval over the S samples and the residual of the mean ({@link
 * PosteriorSummary}). The summary is computed on the executor from the same samples, so it equals an
 * aggregation of the {@code samples} output of the same config and seed.
 */
public enum PosteriorRows {
  SAMPLES("samples"),
  SUMMARY("summary");

  /** The configuration key. */
  public static final String KEY = "output_rows";

  private final String id;

  PosteriorRows(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Parses {@code output_rows} (null: samples); exit 2 naming the key otherwise. */
  public static PosteriorRows parse(String value) {
    String v = value == null ? "samples" : value.trim().toLowerCase(Locale.ROOT);
    for (PosteriorRows r : values()) {
      if (r.id.equals(v)) {
        return r;
      }
    }
    throw ConfigException.of(KEY, "must be one of [samples, summary]", value);
  }
}
