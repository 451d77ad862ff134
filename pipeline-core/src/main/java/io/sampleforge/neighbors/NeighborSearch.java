package io.sampleforge.neighbors;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Locale;

/**
 * How neighbours are found: {@code exact} (blocked all-pairs, O(n²·d)), {@code approximate}
 * (random-projection spill trees, {@link RandomProjectionTree}: each row is compared with about
 * {@code leafRows·(1+spill)^depth} rows per tree, O(n·leafRows·d·trees)), or {@code auto}: exact
 * unless a searched class (or, for searches across classes, the table) has more than
 * {@code autoThreshold} rows.
 *
 * @param mode exact, approximate or auto
 * @param leafRows target rows per leaf (at least 256)
 * @param trees independent trees whose candidate lists are merged (at least 1)
 * @param spill fraction of each node's rows around the split that are sent to both sides as references, [0, 0.5]
 * @param autoThreshold size above which auto switches to approximate
 */
public record NeighborSearch(Mode mode, int leafRows, int trees, double spill, long autoThreshold) implements Serializable {

  /** The closed set of search modes. */
  public enum Mode {
    EXACT, APPROXIMATE, AUTO;

    public static Mode parse(String s) {
      if (s == null) {
        return AUTO;
      }
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "exact" -> EXACT;
        case "approximate", "approx" -> APPROXIMATE;
        case "auto" -> AUTO;
        default -> throw ConfigException.of("neighbor_search", "must be exact, approximate or auto", "'" + s + "'");
      };
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Defaults: auto, 8192-row leaves, 3 trees, 10 % spill, approximate above 1,000,000 rows. */
  public static NeighborSearch defaults() {
    return new NeighborSearch(Mode.AUTO, 8192, 3, 0.1, 1_000_000L);
  }

  public NeighborSearch {
    if (mode == null) {
      mode = Mode.AUTO;
    }
    if (leafRows < 256) {
      throw ConfigException.of("approx_leaf_rows", "must be at least 256", leafRows);
    }
    if (trees < 1 || trees > 64) {
      throw ConfigException.of("approx_trees", "must be in [1, 64]", trees);
    }
    if (!(spill >= 0 && spill <= 0.5)) {
      throw ConfigException.of("approx_spill", "must be in [0, 0.5]", spill);
    }
    if (autoThreshold < 1) {
      throw ConfigException.of("approx_above", "must be at least 1", autoThreshold);
    }
  }

  /** Whether a search whose largest searched set has {@code rows} rows runs approximately. */
  public boolean approximateFor(long rows) {
    return mode == Mode.APPROXIMATE || (mode == Mode.AUTO && rows > autoThreshold);
  }
}
