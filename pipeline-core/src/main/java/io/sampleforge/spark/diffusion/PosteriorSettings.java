package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.diffusion.posterior.ReplacementSampler;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code posterior} stage's sampler settings, validated on construction (config keys named in the
 * errors): the {@code sampler} ({@link Kind}), {@code samples} S per measured row, {@code steps} N (tds,
 * dps, replace: DDPM steps on the {@code schedule} ({@link PosteriorSchedule}: EDM's Karras grid or diffusers' VP),
 * {@link #grid}); for {@code tds} the {@code sampler.particles} K, {@code sampler.ess_threshold} and
 * {@code sampler.twist_scale}; for {@code dps} {@code sampler.step_scale} (zeta'); for {@code replace}
 * {@code sampler.jump_length} j and {@code sampler.jumps} r (RePaint's jump_n_sample; 1 = no jumps);
 * {@code batch_size} bounds the rows per denoiser call (max(1, batch_size / K) measured rows per batch
 * for tds, max(1, batch_size / S) for dps and replace); {@code seed} keys every draw; {@code
 * unobserved_rows} ({@link Unobserved}).
 */
public record PosteriorSettings(Kind sampler, int samples, int particles, int steps, double essThreshold,
    double twistScale, double stepScale, int jumpLength, int jumps, int batchSize, long seed, Unobserved unobserved,
    PosteriorSchedule schedule) implements Serializable {

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
    EXACT("exact"),
    /** Diffusion posterior sampling (Chung et al., ICLR 2023): gradient-guided DDPM, biased by design. */
    DPS("dps"),
    /** The replacement (RePaint) sampler for exact masks, with optional resampling jumps. */
    REPLACE("replace");

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
      throw ConfigException.of(key, "must be one of [tds, exact, dps, replace]", value);
    }
  }

  public PosteriorSettings {
    if (sampler == null) {
      throw ConfigException.of("sampler.name", "is required (tds, exact, dps or replace)", null);
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
    if (!(stepScale >= 0) || Double.isInfinite(stepScale)) {
      throw ConfigException.of("sampler.step_scale", "must be finite and >= 0", stepScale);
    }
    if (jumps < 1 || jumps > 1000) {
      throw ConfigException.of("sampler.jumps", "must be in [1, 1000] (RePaint's jump_n_sample r; 1 = no jumps)",
          jumps);
    }
    if (jumpLength < 1) {
      throw ConfigException.of("sampler.jump_length", "must be >= 1", jumpLength);
    }
    if (sampler == Kind.REPLACE && jumps > 1 && jumpLength > steps - 1) {
      throw ConfigException.of("sampler.jump_length", "must be <= steps - 1 = " + (steps - 1)
          + " when sampler.jumps > 1 (no level is a jump point otherwise)", jumpLength);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
    unobserved = unobserved == null ? Unobserved.FAIL : unobserved;
    schedule = schedule == null ? PosteriorSchedule.EDM : schedule;
  }

  /** Measured rows per batch: max(1, batch_size / K) for tds, max(1, batch_size / S) for dps and replace. */
  public int rowsPerBatch() {
    return switch (sampler) {
      case TDS -> Math.max(1, batchSize / particles);
      case DPS, REPLACE -> Math.max(1, batchSize / samples);
      case EXACT -> Math.max(1, batchSize);
    };
  }

  /** The N DDPM steps of tds, dps and replace on the {@link PosteriorSchedule} (default: EDM's Karras grid). */
  public TimeGrid grid() {
    return schedule.grid(steps);
  }

  /** The replacement sampler of these settings (sampler replace). */
  public ReplacementSampler replacement() {
    return new ReplacementSampler(grid(), jumpLength, jumps);
  }

  /**
   * Denoiser calls per sample-row (each call covers a batch): N for tds (on the row's K particles) and
   * dps (each also pulls one vector-Jacobian product back through the denoiser, not counted), N + (r -
   * 1) j floor((N - 1) / j) for replace, 0 for exact.
   */
  public int modelCallsPerRow() {
    return switch (sampler) {
      case TDS, DPS -> steps;
      case REPLACE -> Math.toIntExact(replacement().modelCalls());
      case EXACT -> 0;
    };
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
      m.put("schedule", schedule.describe());
    } else if (sampler == Kind.DPS) {
      m.put("steps", steps);
      m.put("step_scale", stepScale);
      m.put("schedule", schedule.describe());
    } else if (sampler == Kind.REPLACE) {
      m.put("steps", steps);
      m.put("jump_length", jumpLength);
      m.put("jumps", jumps);
      m.put("schedule", schedule.describe());
    }
    return m;
  }
}
