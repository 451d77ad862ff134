package io.sampleforge.spark.diffusion;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code posterior} stage's sampler settings, validated on construction (config keys named in the
 * errors): the {@code sampler} ({@link Kind}), {@code samples} S per measured row, and for {@code tds}
 * the {@code sampler.particles} K, {@code steps} N (DDPM steps on diffusers' default discrete VP
 * schedule, linspace spacing, final sigma 0), {@code sampler.ess_threshold} and {@code
 * sampler.twist_scale}; {@code batch_size} bounds the particles per denoiser call (max(1, batch_size / K)
 * rows per batch); {@code seed} keys every draw; {@code unobserved_rows} ({@link Unobserved}).
 */
public record PosteriorSettings(Kind sampler, int samples, int particles, int steps, double essThreshold,
    double twistScale, int batchSize, long seed, Unobserved unobserved) implements Serializable {

  /**
   * What a row with no observed cell gets ({@code unobserved_rows}): {@code fail} (exit 3 naming the row,
   * issue 23's rule) or {@code prior} (S exact draws from the prior: its posterior given nothing).
   */
  public enum Unobserved {
    FAIL("fail"),
    PRIOR("prior");

    private final String id;

    Unobserved(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Parses {@code unobserved_rows}; exit 2 naming the key otherwise. */
    public static Unobserved parse(String key, String value) {
      String v = value == null ? "fail" : value.trim().toLowerCase(Locale.ROOT);
      for (Unobserved u : values()) {
        if (u.id.equals(v)) {
          return u;
        }
      }
      throw ConfigException.of(key, "must be one of [fail, prior]", value);
    }
  }

  /** The samplers. */
  public enum Kind {
    /** Twisted diffusion sampler (SMC, asymptotically exact as K grows). */
    TDS("tds"),
    /** Draws from the closed-form posterior of the exact GMM prior (the oracle). */
    EXACT("exact");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Parses a sampler name (config key {@code key}); exit 2 naming the key otherwise. */
    public static Kind parse(String key, String value) {
      String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.id.equals(v)) {
          return k;
        }
      }
      throw ConfigException.of(key, "must be one of [tds, exact]", value);
    }
  }

  public PosteriorSettings {
    if (sampler == null) {
      throw ConfigException.of("sampler.name", "is required (tds or exact)", null);
    }
    if (samples < 1 || samples > 1_000_000) {
      throw ConfigException.of("samples", "must be in [1, 10^6]", samples);
    }
    if (particles < 1 || particles > 1 << 20) {
      throw ConfigException.of("sampler.particles", "must be in [1, 2^20]", particles);
    }
    if (steps < 1 || steps > 10_000) {
      throw ConfigException.of("steps", "must be in [1, 10000]", steps);
    }
    if (!(essThreshold >= 0 && essThreshold <= 1)) {
      throw ConfigException.of("sampler.ess_threshold", "must be in [0, 1]", essThreshold);
    }
    if (!(twistScale >= 0) || Double.isInfinite(twistScale)) {
      throw ConfigException.of("sampler.twist_scale", "must be finite and >= 0", twistScale);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
    unobserved = unobserved == null ? Unobserved.FAIL : unobserved;
  }

  /** Rows per TDS batch: max(1, batch_size / K). */
  public int rowsPerBatch() {
    return sampler == Kind.TDS ? Math.max(1, batchSize / particles) : Math.max(1, batchSize);
  }

  /** Denoiser calls per measured row (each call covers the row's K particles): N for tds, 0 for exact. */
  public int modelCallsPerRow() {
    return sampler == Kind.TDS ? steps : 0;
  }

  /** The settings as an ordered map (the {@code sampler} column and the manifest). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", sampler.id());
    m.put("samples", samples);
    m.put("unobserved_rows", unobserved.id());
    if (sampler == Kind.TDS) {
      m.put("particles", particles);
      m.put("steps", steps);
      m.put("ess_threshold", essThreshold);
      m.put("twist_scale", twistScale);
      m.put("schedule", "diffusers default discrete VP, linspace, final sigma 0");
    }
    return m;
  }
}
