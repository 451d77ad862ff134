package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The validated settings of a coreset draw (the {@code coreset} job's config minus input/output).
 * Every rule breaks with a {@link ConfigException} naming the key.
 *
 * @param features numeric feature columns: the d columns of A
 * @param idColumn unique non-null row id (the key of every draw), or null for content keys
 * @param method how scores are computed
 * @param p the l_p exponent of {@code lewis} ([1, 4)) and {@code root-leverage} ([1, 2]); ignored otherwise
 * @param m target sample size: expected size (Poisson) or number of draws (with replacement)
 * @param sampling Poisson or with replacement
 * @param seed job seed of the keyed draws
 * @param lambda ridge of {@code ridge-leverage} (&gt; 0); must be unset otherwise
 * @param maxIterations cap on the Lewis fixed-point iterations
 * @param tolerance Lewis convergence: max_i |w_i^(k) - w_i^(k-1)| / w_i^(k) below this
 * @param sketch exact leverage or approximate leverage from a CountSketch (leverage, ridge-leverage and
 *     root-leverage only)
 * @param sketchRows rows s of the CountSketch; 0 = {@link #autoSketchRows(int)}; must stay 0 without a sketch
 * @param sketchCheck whether to measure the sketch's error with an exact Gram matrix summed in the same pass
 */
public record CoresetSettings(List<String> features, String idColumn, CoresetMethod method, double p, long m,
    CoresetSampling sampling, long seed, Double lambda, int maxIterations, double tolerance, CoresetSketch sketch,
    int sketchRows, boolean sketchCheck) {

  /** Most cells s x d of a sketch (each task holds 2 s d doubles: 256 MiB at this cap). */
  public static final long MAX_SKETCH_CELLS = 1L << 24;

  /** Defaults stated once (conf/jobs/coreset.yaml shows them). */
  public static final class Defaults {
    public static final String METHOD = "leverage";
    public static final double P = 1.0;
    public static final String SAMPLING = "poisson";
    public static final int MAX_ITERATIONS = 100;
    public static final double TOLERANCE = 1e-10;
    public static final String SKETCH = "none";
    public static final int SKETCH_ROWS = 0;
    public static final boolean SKETCH_CHECK = true;

    private Defaults() {}
  }

  /** Most draws with replacement (one driver array of m doubles). */
  public static final long MAX_DRAWS = Integer.MAX_VALUE - 8;

  /** Output column: the row's score s_i. */
  public static final String SCORE = "score";
  /** Output column: the row's importance weight. */
  public static final String WEIGHT = "weight";
  /** Output column (with replacement): how many of the m draws chose the row. */
  public static final String DRAWS = "draws";

  /** Exact scores (no sketch). */
  public CoresetSettings(List<String> features, String idColumn, CoresetMethod method, double p, long m,
      CoresetSampling sampling, long seed, Double lambda, int maxIterations, double tolerance) {
    this(features, idColumn, method, p, m, sampling, seed, lambda, maxIterations, tolerance, CoresetSketch.NONE, 0, true);
  }

  public CoresetSettings {
    if (features == null || features.isEmpty()) {
      throw ConfigException.of("features", "must list at least one numeric column", features);
    }
    features = List.copyOf(features);
    Set<String> seen = new HashSet<>();
    for (String f : features) {
      if (f == null || f.isBlank() || !seen.add(f)) {
        throw ConfigException.of("features", "must list distinct non-empty column names", features);
      }
    }
    if (idColumn != null && idColumn.isBlank()) {
      idColumn = null;
    }
    if (method == null || sampling == null) {
      throw ConfigException.of(method == null ? "method" : "sampling", "must be set", null);
    }
    if (m <= 0) {
      throw ConfigException.of("m", "must be a positive sample size", m);
    }
    if (sampling == CoresetSampling.WITH_REPLACEMENT && m > MAX_DRAWS) {
      throw ConfigException.of("m", "must be at most " + MAX_DRAWS + " for sampling with-replacement (the driver sorts"
          + " m uniforms; use poisson for larger samples)", m);
    }
    if (method == CoresetMethod.LEWIS && !(p >= 1 && p < 4)) {
      throw ConfigException.of("p", "must be in [1, 4) for method lewis (the fixed-point iteration converges for p < 4)", p);
    }
    if (method == CoresetMethod.ROOT_LEVERAGE && !(p >= 1 && p <= 2)) {
      throw ConfigException.of("p", "must be in [1, 2] for method root-leverage", p);
    }
    if (method == CoresetMethod.RIDGE_LEVERAGE) {
      if (lambda == null || !(lambda > 0) || Double.isInfinite(lambda)) {
        throw ConfigException.of("lambda", "must be a finite ridge > 0 for method ridge-leverage", lambda);
      }
    } else if (lambda != null) {
      throw ConfigException.of("lambda", "is only used by method ridge-leverage (unset it)", lambda);
    }
    if (maxIterations < 1) {
      throw ConfigException.of("max_iterations", "must be at least 1", maxIterations);
    }
    if (!(tolerance > 0 && tolerance < 1)) {
      throw ConfigException.of("tolerance", "must be in (0, 1)", tolerance);
    }
    if (sketch == null) {
      throw ConfigException.of("sketch", "must be set", null);
    }
    if (sketch == CoresetSketch.NONE) {
      if (sketchRows != 0) {
        throw ConfigException.of("sketch_rows", "is only used by sketch countsketch (unset it or set sketch)", sketchRows);
      }
    } else {
      if (method != CoresetMethod.LEVERAGE && method != CoresetMethod.RIDGE_LEVERAGE && method != CoresetMethod.ROOT_LEVERAGE) {
        throw ConfigException.of("sketch", "supports methods leverage, ridge-leverage and root-leverage only (lewis"
            + " re-weights A every iteration and is computed exactly; uniform needs no factor); use sketch none for method "
            + method.id(), "'" + sketch.id() + "'");
      }
      if (sketchRows != 0 && (sketchRows < features.size() || (long) sketchRows * features.size() > MAX_SKETCH_CELLS)) {
        throw ConfigException.of("sketch_rows", "must be 0 (automatic) or at least d = " + features.size()
            + " and at most " + MAX_SKETCH_CELLS + " / d = " + MAX_SKETCH_CELLS / features.size()
            + " (each task holds the s x d sketch in double-double)", sketchRows);
      }
    }
  }

  /**
   * The default sketch size for d columns: 4 d^2 (CountSketch is a subspace embedding of distortion eps
   * with about d^2 / eps^2 rows; 4 d^2 gives eps about 1/2 in the worst case, far less on most tables) but
   * at least 1,024 and at most {@link #MAX_SKETCH_CELLS} / d.
   */
  public static int autoSketchRows(int d) {
    long s = Math.max(1024L, 4L * d * d);
    return (int) Math.max(d, Math.min(s, MAX_SKETCH_CELLS / d));
  }

  /** The sketch rows s in use (0 without a sketch). */
  public int sketchSize() {
    return sketch == CoresetSketch.NONE ? 0 : sketchRows == 0 ? autoSketchRows(d()) : sketchRows;
  }

  public int d() {
    return features.size();
  }

  /** The ridge added to the Gram matrix: lambda for ridge leverage, else 0. */
  public double ridge() {
    return lambda == null ? 0.0 : lambda;
  }
}
