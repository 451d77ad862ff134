package io.sampleforge.tabular;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Locale;

/**
 * The over-sampling method of a {@code smote}-style run, a closed set:
 *
 * <ul>
 *   <li>{@link Smote}: Chawla et al. 2002; every row of a class seeds children, interpolation
 *       towards one of its k nearest same-class rows with a gap in [0, 1).
 *   <li>{@link Borderline}: Han, Wang and Mao, "Borderline-SMOTE", ICIC 2005. Only "danger" rows
 *       seed children: rows whose m nearest rows of the whole table (itself excluded) hold at least
 *       m/2 and fewer than m rows of other classes. Kind 1 interpolates towards same-class
 *       neighbours; kind 2 towards the k nearest rows of the whole table, with a gap in [0, 0.5)
 *       when that neighbour belongs to another class (the paper's rule; imbalanced-learn 0.10 indexes
 *       the other-class rows with same-class neighbour positions, which 0.12 fixed).
 *   <li>{@link Adasyn}: He, Bai, Garcia and Li, "ADASYN", IJCNN 2008. A row's share of the children
 *       is proportional to the number of other-class rows among its k nearest rows of the whole
 *       table, allocated by largest remainder so the total is exact (imbalanced-learn rounds each
 *       share and misses the target); interpolation as SMOTE.
 *   <li>{@link RandomOver}: random over-sampling; children are copies of their parent, or with
 *       {@code shrinkage} &gt; 0 a smoothed bootstrap: parent + shrinkage·h·σ_j·z_j per feature,
 *       z ~ N(0,1), σ_j the class's population standard deviation of feature j and
 *       h = (4 / ((d+2)·N))^(1/(d+4)) with N the rows of the whole input, exactly as
 *       imbalanced-learn's {@code RandomOverSampler(shrinkage=...)}.
 * </ul>
 * Every method gives each parent its number of children by {@link WeightedQuota}.
 */
public sealed interface OverSamplingMethod extends Serializable {

  /** Name used in configs, manifests and logs. */
  String id();

  /** True when the method needs each seed row's neighbours among all classes. */
  default boolean needsAllClassNeighbors() {
    return false;
  }

  /** True when synthetic rows interpolate towards a neighbour. */
  default boolean interpolates() {
    return true;
  }

  /** Plain SMOTE. */
  record Smote() implements OverSamplingMethod {
    @Override
    public String id() {
      return "smote";
    }
  }

  /**
   * Borderline-SMOTE.
   *
   * @param kind 1 or 2
   * @param mNeighbors neighbours among all classes that decide whether a row is in danger, at least 1
   */
  record Borderline(int kind, int mNeighbors) implements OverSamplingMethod {
    public Borderline {
      if (kind != 1 && kind != 2) {
        throw ConfigException.of("method", "borderline kind must be 1 or 2", kind);
      }
      if (mNeighbors < 1) {
        throw ConfigException.of("m_neighbors", "must be at least 1", mNeighbors);
      }
    }

    @Override
    public String id() {
      return "borderline-" + kind;
    }

    @Override
    public boolean needsAllClassNeighbors() {
      return true;
    }

    /** Danger rule of Han et al.: m/2 ≤ other-class neighbours &lt; m. */
    public boolean inDanger(int otherClassNeighbors) {
      return 2L * otherClassNeighbors >= mNeighbors && otherClassNeighbors < mNeighbors;
    }
  }

  /**
   * SMOTEN (imbalanced-learn's SMOTE for nominal features): all features categorical; neighbours by
   * the value difference metric (k=1, r=2) with class probabilities over the whole table; each
   * synthetic row takes, per feature, the most frequent value among its parent and the parent's k
   * nearest rows (ties: the smallest value in sorted order), so a parent's children are identical.
   */
  record Smoten() implements OverSamplingMethod {
    @Override
    public String id() {
      return "smoten";
    }

    @Override
    public boolean interpolates() {
      return false;
    }
  }

  /** ADASYN; the neighbour count is the run's k (imbalanced-learn's single {@code n_neighbors}). */
  record Adasyn() implements OverSamplingMethod {
    @Override
    public String id() {
      return "adasyn";
    }

    @Override
    public boolean needsAllClassNeighbors() {
      return true;
    }
  }

  /**
   * Random over-sampling.
   *
   * @param shrinkage 0 for exact copies, else the smoothed-bootstrap scale (finite, &gt; 0)
   */
  record RandomOver(double shrinkage) implements OverSamplingMethod {
    public RandomOver {
      if (!(shrinkage >= 0) || Double.isInfinite(shrinkage)) {
        throw ConfigException.of("shrinkage", "must be a finite number >= 0 (0: plain copies)", shrinkage);
      }
    }

    @Override
    public String id() {
      return "random";
    }

    @Override
    public boolean interpolates() {
      return false;
    }

    /**
     * Per-feature noise scale of the smoothed bootstrap (imbalanced-learn's {@code
     * RandomOverSampler(shrinkage=...)}): shrinkage · h · σ_j, with the class's population standard
     * deviations σ_j and h = {@link #bandwidth} over all {@code rows} of the table.
     */
    public double[] noiseScale(double[] classStd, long rows) {
      double h = bandwidth(classStd.length, rows);
      double[] scale = new double[classStd.length];
      for (int j = 0; j < classStd.length; j++) {
        scale[j] = shrinkage * h * classStd[j];
      }
      return scale;
    }

    /** A synthetic row: parent + noise, feature by feature (noise already scaled). */
    public static double[] perturb(double[] parent, double[] noise) {
      double[] out = new double[parent.length];
      for (int j = 0; j < parent.length; j++) {
        out[j] = parent[j] + noise[j];
      }
      return out;
    }

    /** The bandwidth factor h = (4 / ((d+2)·N))^(1/(d+4)). */
    public static double bandwidth(int dims, long rows) {
      return Math.pow(4.0 / ((dims + 2.0) * rows), 1.0 / (dims + 4.0));
    }
  }

  /**
   * Parses a method name: smote, borderline-1, borderline-2, adasyn, random.
   *
   * @param mNeighbors used by borderline
   * @param shrinkage used by random (null or 0: copies)
   */
  static OverSamplingMethod parse(String name, int mNeighbors, Double shrinkage) {
    String n = name == null ? "smote" : name.trim().toLowerCase(Locale.ROOT);
    if (shrinkage != null && shrinkage != 0 && !n.equals("random")) {
      throw ConfigException.of("shrinkage", "applies only to method 'random'", "method '" + n + "', shrinkage " + shrinkage);
    }
    return switch (n) {
      case "smote" -> new Smote();
      case "borderline-1", "borderline1" -> new Borderline(1, mNeighbors);
      case "borderline-2", "borderline2" -> new Borderline(2, mNeighbors);
      case "adasyn" -> new Adasyn();
      case "smoten", "n" -> new Smoten();
      case "random" -> new RandomOver(shrinkage == null ? 0 : shrinkage);
      default -> throw ConfigException.of("method", "must be one of smote, borderline-1, borderline-2, adasyn, random, smoten",
          "'" + name + "'");
    };
  }
}
