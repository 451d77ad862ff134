package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.neighbors.NeighborSearch;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validated, immutable settings of one SMOTE run. Errors name the {@code smote} job's config keys
 * ({@code label}, {@code features}, {@code features_vector}, {@code sampling_strategy},
 * {@code on_invalid}, {@code block_rows}, {@code lineage.*}), which the Spark ML stage's Params
 * ({@code labelCol}, {@code featureCols}, {@code featuresCol}, ...) set one to one.
 *
 * @param labelCol class label column
 * @param featuresCol one ML Vector column of features, or null when {@code featureCols} is used
 * @param featureCols numeric feature columns, empty when {@code featuresCol} is used
 * @param k nearest same-class neighbours, at least 1
 * @param strategy target counts per class
 * @param seed job seed of every keyed random stream
 * @param idCol unique id column used as record key and lineage id, or null for content hashes
 * @param isSyntheticCol lineage column: true on generated rows
 * @param parentIdCol lineage column: id (or record key) of the parent row
 * @param neighborIdCol lineage column: id (or record key) of the neighbour interpolated towards
 * @param passthrough what synthetic rows carry in other columns
 * @param handleInvalid what to do with null/NaN/infinite values
 * @param blockRows most rows per block of the distributed neighbour search, 0 for automatic
 * @param method the over-sampling method (null: plain SMOTE)
 * @param clean cleaning applied after synthesis (null: none)
 * @param search exact or approximate neighbour search (null: {@link NeighborSearch#defaults()})
 * @param categoricalCols categorical columns for SMOTE-NC (empty: none); method smote with numeric
 *     feature columns only
 */
public record SmoteSettings(String labelCol, String featuresCol, List<String> featureCols, int k,
    SamplingStrategy strategy, long seed, String idCol, String isSyntheticCol, String parentIdCol,
    String neighborIdCol, Passthrough passthrough, InvalidHandling handleInvalid, int blockRows,
    OverSamplingMethod method, Cleaning clean, NeighborSearch search, List<String> categoricalCols)
    implements Serializable {

  /**
   * Every default of SMOTE's settings, stated once: the job config and the Spark stage's Params both
   * take their defaults from here (imbalanced-learn's SMOTE: k = 5, sampling_strategy auto).
   */
  public static final class Defaults {
    public static final String LABEL = "label";
    public static final int K = 5;
    public static final String SAMPLING_STRATEGY = "auto";
    public static final String IS_SYNTHETIC = "is_synthetic";
    public static final String PARENT_ID = "parent_id";
    public static final String NEIGHBOR_ID = "neighbor_id";
    public static final Passthrough PASSTHROUGH = Passthrough.PARENT;
    public static final InvalidHandling ON_INVALID = InvalidHandling.ERROR;
    /** 0: automatic block size. */
    public static final int BLOCK_ROWS = 0;
    public static final String METHOD = "smote";
    /** Borderline-SMOTE's m (imbalanced-learn's m_neighbors). */
    public static final int M_NEIGHBORS = 10;
    public static final Cleaning CLEAN = Cleaning.NONE;

    private Defaults() {}
  }

  public SmoteSettings {
    requireName("label", labelCol);
    featureCols = featureCols == null ? List.of() : List.copyOf(featureCols);
    boolean vector = featuresCol != null && !featuresCol.isEmpty();
    boolean nominalOnly = method instanceof OverSamplingMethod.Smoten;
    if (nominalOnly && (vector || !featureCols.isEmpty())) {
      throw ConfigException.of("features", "must be empty for method smoten (all features are the categorical columns)",
          vector ? featuresCol : featureCols);
    }
    if (!nominalOnly && vector == !featureCols.isEmpty()) {
      throw ConfigException.of("features/features_vector",
          "exactly one must be set: a list of numeric columns or one Vector column",
          "features=" + featureCols + ", features_vector=" + featuresCol);
    }
    if (!vector) {
      featuresCol = null;
      Set<String> seen = new HashSet<>();
      for (String c : featureCols) {
        requireName("features", c);
        if (!seen.add(c)) {
          throw ConfigException.of("features", "must not repeat a column", "'" + c + "'");
        }
        if (c.equals(labelCol)) {
          throw ConfigException.of("features", "must not contain the label column", "'" + c + "'");
        }
      }
    }
    if (k < 1) {
      throw ConfigException.of("k", "must be at least 1", k);
    }
    if (strategy == null) {
      throw ConfigException.of("sampling_strategy", "must be set", "null");
    }
    if (idCol != null && idCol.isEmpty()) {
      idCol = null;
    }
    requireName("lineage.is_synthetic", isSyntheticCol);
    requireName("lineage.parent_id", parentIdCol);
    requireName("lineage.neighbor_id", neighborIdCol);
    if (Set.of(isSyntheticCol, parentIdCol, neighborIdCol).size() != 3) {
      throw ConfigException.of("lineage", "must have three distinct names",
          List.of(isSyntheticCol, parentIdCol, neighborIdCol));
    }
    if (passthrough == null || handleInvalid == null) {
      throw ConfigException.of("passthrough/on_invalid", "must be set", passthrough + "/" + handleInvalid);
    }
    if (method == null) {
      method = new OverSamplingMethod.Smote();
    }
    if (clean == null) {
      clean = Cleaning.NONE;
    }
    if (search == null) {
      search = NeighborSearch.defaults();
    }
    categoricalCols = categoricalCols == null ? List.of() : List.copyOf(categoricalCols);
    if (nominalOnly && categoricalCols.isEmpty()) {
      throw ConfigException.of("categorical", "must list the categorical columns for method smoten", "[]");
    }
    if (!categoricalCols.isEmpty()) {
      if (vector) {
        throw ConfigException.of("categorical", "needs numeric feature columns (features), not a Vector column",
            "features_vector=" + featuresCol);
      }
      if (!(method instanceof OverSamplingMethod.Smote) && !nominalOnly) {
        throw ConfigException.of("categorical", "is supported with methods smote (SMOTE-NC) and smoten only", "method " + method.id());
      }
      if (clean != Cleaning.NONE) {
        throw ConfigException.of("categorical", "cannot be combined with cleaning yet (clean must be none)", "clean " + clean.id());
      }
      Set<String> seenCat = new HashSet<>();
      for (String c : categoricalCols) {
        requireName("categorical", c);
        if (!seenCat.add(c)) {
          throw ConfigException.of("categorical", "must not repeat a column", "'" + c + "'");
        }
        if (c.equals(labelCol) || featureCols.contains(c)) {
          throw ConfigException.of("categorical", "must not contain the label or a numeric feature column", "'" + c + "'");
        }
      }
    }
    if (blockRows != 0 && blockRows < 64) {
      throw ConfigException.of("block_rows", "must be 0 (automatic) or at least 64", blockRows);
    }
  }

  /** True when the features are one Vector column. */
  public boolean vectorFeatures() {
    return featuresCol != null;
  }

  private static void requireName(String parameter, String value) {
    if (value == null || value.isBlank()) {
      throw ConfigException.of(parameter, "must be a non-empty column name", "'" + value + "'");
    }
  }
}
