package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * Cleaning applied to the over-sampled table (original and synthetic rows of every class), as
 * imbalanced-learn's SMOTEENN and SMOTETomek do with {@code sampling_strategy='all'}:
 *
 * <ul>
 *   <li>{@link #NONE}: nothing removed.
 *   <li>{@link #ENN}: Wilson's edited nearest neighbours (IEEE SMC 1972) with 3 neighbours and
 *       imbalanced-learn's {@code kind_sel='all'}: a row is removed unless all of its 3 nearest rows
 *       (itself excluded) belong to its class.
 *   <li>{@link #TOMEK}: Tomek links (IEEE SMC 1976): two rows of different classes that are each
 *       other's nearest row; both ends are removed.
 * </ul>
 * Both reuse the exact distributed neighbour search over the whole table, ties broken by record
 * key (synthetic rows are keyed by parent key and child index).
 */
public enum Cleaning {
  NONE(0),
  ENN(3),
  TOMEK(1);

  private final int neighbors;

  Cleaning(int neighbors) {
    this.neighbors = neighbors;
  }

  /** Neighbours among all rows each row needs. */
  public int neighbors() {
    return neighbors;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Cleaning parse(String value) {
    if (value == null || value.isBlank()) {
      throw ConfigException.of("clean", "must be one of none, enn, tomek", "'" + value + "'");
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "enn" -> ENN;
      case "tomek" -> TOMEK;
      default -> throw ConfigException.of("clean", "must be one of none, enn, tomek", "'" + value + "'");
    };
  }
}
