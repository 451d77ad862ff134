package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of one row as an exported Gaussian denoiser sees it (config key {@code model.shape}):
 * {@code [D]} for a table of D columns, {@code [C, H, W]} for images, or any other rank from 1 to 4.
 * The solvers work on flat rows of {@link #dimension()} = the product of the sizes, in row-major
 * (C order) layout, so an image row is its channels, then its rows, then its columns, as
 * {@code tensor.reshape(B, -1)} flattens it. Immutable and validated. Cost O(rank).
 */
public final class RowShape implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The configuration key of the shape. */
  public static final String KEY = "model.shape";

  private final int[] sizes;
  private final int dimension;

  private RowShape(int[] sizes, int dimension) {
    this.sizes = sizes;
    this.dimension = dimension;
  }

  /** A shape of 1 to 4 sizes, each >= 1, with at most 2^31 - 1 values in all; errors name {@link #KEY}. */
  public static RowShape of(int... sizes) {
    if (sizes == null || sizes.length < 1 || sizes.length > 4) {
      throw ConfigException.of(KEY, "must have 1 to 4 sizes ([D] for a table, [C, H, W] for images)",
          sizes == null ? null : Arrays.toString(sizes));
    }
    long product = 1;
    for (int s : sizes) {
      if (s < 1) {
        throw ConfigException.of(KEY, "must have sizes >= 1", Arrays.toString(sizes));
      }
      product *= s;
      if (product > Integer.MAX_VALUE) {
        throw ConfigException.of(KEY, "must hold at most 2^31 - 1 values per row", Arrays.toString(sizes));
      }
    }
    return new RowShape(sizes.clone(), (int) product);
  }

  /** Parses "D" or "C,H,W" (commas or 'x' between sizes, brackets and blanks ignored). */
  public static RowShape parse(String text) {
    String t = text == null ? "" : text.replace("[", "").replace("]", "").strip();
    String[] parts = t.isEmpty() ? new String[0] : t.split("\\s*[,xX]\\s*");
    int[] sizes = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        sizes[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw ConfigException.of(KEY, "must be sizes separated by commas, e.g. 2 or 3,32,32", "'" + text + "'");
      }
    }
    return of(sizes);
  }

  /** The number of values per row: the product of the sizes. */
  public int dimension() {
    return dimension;
  }

  /** The sizes, a copy. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** [batch, sizes...], the shape of a batch of rows. */
  public long[] withBatch(long batch) {
    long[] s = new long[sizes.length + 1];
    s[0] = batch;
    for (int i = 0; i < sizes.length; i++) {
      s[i + 1] = sizes[i];
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowShape r && Arrays.equals(sizes, r.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    return Arrays.toString(sizes);
  }
}
