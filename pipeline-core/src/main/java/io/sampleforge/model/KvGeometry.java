package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * The shape of a cached model's key/value tensors: {@code layers} (N), {@code heads} (H, key/value
 * heads) and {@code headDim} (D), so one row's keys and values are [N, 2, H, L, D] floats. Validated:
 * each at least 1 (ConfigExceptions name {@code model.layers}, {@code model.heads}, {@code
 * model.head_dim}).
 */
public record KvGeometry(int layers, int heads, int headDim) implements Serializable {
  public KvGeometry {
    if (layers < 1) {
      throw ConfigException.of("model.layers", "must be the model's layer count (>= 1)", layers);
    }
    if (heads < 1) {
      throw ConfigException.of("model.heads", "must be the model's key/value head count (>= 1)", heads);
    }
    if (headDim < 1) {
      throw ConfigException.of("model.head_dim", "must be the model's head dimension (>= 1)", headDim);
    }
  }

  /** The shape [N, 2, rows, H, length, D] of the keys/values of {@code rows} rows of {@code length} positions. */
  public long[] shape(int rows, int length) {
    return new long[] {layers, 2, rows, heads, length, headDim};
  }
}
