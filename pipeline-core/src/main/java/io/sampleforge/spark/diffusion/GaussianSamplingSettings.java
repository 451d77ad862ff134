package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.SolverSpec;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * What the {@code diffuse} stage runs: the solver (with its schedule and steps), the job seed and the
 * number of samples per model call ({@code batch_size}). The batch size changes speed only: every draw
 * is keyed by (seed, request key, sample index), so the samples do not depend on it.
 */
public record GaussianSamplingSettings(SolverSpec solver, long seed, int batchSize) implements Serializable {
  public GaussianSamplingSettings {
    if (solver == null) {
      throw ConfigException.of("solver", "is required", null);
    }
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
  }
}
