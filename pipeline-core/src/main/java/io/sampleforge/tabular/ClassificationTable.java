package io.sampleforge.tabular;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A deterministic imbalanced classification table in the style of scikit-learn's
 * {@code make_classification} (after Guyon, "Design of experiments for the NIPS 2003 variable
 * selection benchmark"): each class has {@code clustersPerClass} Gaussian clusters centred on
 * vertices of a hypercube of side 2·classSep in the informative subspace, each cluster with its
 * own random linear covariance (uniform(-1,1) matrix); redundant features are random linear
 * combinations of the informative ones; noise features are standard normal. Class sizes follow
 * the weights exactly (largest remainder) and classes are interleaved by a fixed permutation of
 * row ids. Row {@code i} is a pure function of (spec, i), so any partitioning gives the same table.
 * Cost: O(informative² + informative·redundant + noise) per row.
 */
public final class ClassificationTable implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private final long[] classEnds;
  private final long stride;
  private final double[][] centroids;
  private final double[][][] covariances;
  private final double[][] redundancy;

  /**
   * @param rows table size
   * @param informative informative features (at least 1)
   * @param redundant linear combinations of the informative features
   * @param noise independent standard normal features
   * @param weights class proportions, at least two, each in [0, 1], summing to 1 (never renormalised)
   * @param clustersPerClass Gaussian clusters per class
   * @param classSep half side of the hypercube the clusters sit on
   * @param seed generator seed
   */
  public record Spec(long rows, int informative, int redundant, int noise, double[] weights,
      int clustersPerClass, double classSep, long seed) implements Serializable {
    public Spec {
      if (rows < 1) {
        throw ConfigException.of("rows", "must be at least 1", rows);
      }
      if (informative < 1 || redundant < 0 || noise < 0) {
        throw ConfigException.of("informative/redundant/noise", "need informative >= 1, others >= 0", informative + "/" + redundant + "/" + noise);
      }
      if (weights == null || weights.length < 2) {
        throw ConfigException.of("weights", "must list at least two class weights", Arrays.toString(weights));
      }
      weights = ClassWeights.proportions(weights);
      if (clustersPerClass < 1 || (long) clustersPerClass * weights.length > (1L << Math.min(informative, 30))) {
        throw ConfigException.of("clusters_per_class/informative/weights",
            "must have clusters_per_class >= 1 and classes (weights) * clusters_per_class <= 2^informative",
            "clusters_per_class " + clustersPerClass + ", informative " + informative + ", classes " + weights.length);
      }
      if (!(classSep > 0)) {
        throw ConfigException.of("class_sep", "must be positive", classSep);
      }
    }

    public int features() {
      return informative + redundant + noise;
    }
  }

  public ClassificationTable(Spec spec) {
    this.spec = spec;
    this.classEnds = classEnds(spec.rows(), spec.weights());
    this.stride = coprimeStride(spec.rows());
    int clusters = spec.weights().length * spec.clustersPerClass();
    int inf = spec.informative();
    this.centroids = new double[clusters][inf];
    this.covariances = new double[clusters][inf][inf];
    long[] vertices = distinctVertices(clusters, inf, spec.seed());
    for (int g = 0; g < clusters; g++) {
      KeyedStream s = KeyedStream.of(spec.seed(), RandomPurpose.SYNTH_CLUSTER, g);
      for (int j = 0; j < inf; j++) {
        centroids[g][j] = ((vertices[g] >>> (j % 62)) & 1L) == 1L ? spec.classSep() : -spec.classSep();
        for (int l = 0; l < inf; l++) {
          covariances[g][j][l] = 2 * s.uniform((long) j * inf + l) - 1;
        }
      }
    }
    this.redundancy = new double[inf][spec.redundant()];
    KeyedStream r = KeyedStream.of(spec.seed(), RandomPurpose.SYNTH_REDUNDANT, 0);
    for (int j = 0; j < inf; j++) {
      for (int l = 0; l < spec.redundant(); l++) {
        redundancy[j][l] = 2 * r.uniform((long) j * spec.redundant() + l) - 1;
      }
    }
  }

  public Spec spec() {
    return spec;
  }

  /** Exact rows of each class (largest-remainder apportionment of the weights). */
  public long classSize(int c) {
    return classEnds[c] - (c == 0 ? 0 : classEnds[c - 1]);
  }

  /** Class of row {@code row}. */
  public int label(long row) {
    long position = mulMod(row, stride, spec.rows());
    for (int c = 0; c < classEnds.length; c++) {
      if (position < classEnds[c]) {
        return c;
      }
    }
    throw new IllegalStateException("row out of range " + row);
  }

  /** Features of row {@code row}: informative, then redundant, then noise. */
  public double[] features(long row) {
    long position = mulMod(row, stride, spec.rows());
    int c = label(row);
    long start = c == 0 ? 0 : classEnds[c - 1];
    int g = c * spec.clustersPerClass() + (int) ((position - start) % spec.clustersPerClass());
    KeyedStream s = KeyedStream.of(spec.seed(), RandomPurpose.SYNTH_ROW, row);
    int inf = spec.informative();
    double[] z = new double[inf];
    for (int j = 0; j < inf; j++) {
      z[j] = s.gaussian(j);
    }
    double[] out = new double[spec.features()];
    for (int j = 0; j < inf; j++) {
      double v = centroids[g][j];
      for (int l = 0; l < inf; l++) {
        v += z[l] * covariances[g][l][j];
      }
      out[j] = v;
    }
    for (int l = 0; l < spec.redundant(); l++) {
      double v = 0;
      for (int j = 0; j < inf; j++) {
        v += out[j] * redundancy[j][l];
      }
      out[inf + l] = v;
    }
    for (int m = 0; m < spec.noise(); m++) {
      out[inf + spec.redundant() + m] = s.gaussian(inf + m);
    }
    return out;
  }

  private static long[] classEnds(long rows, double[] weights) {
    double total = Arrays.stream(weights).sum();
    long[] sizes = new long[weights.length];
    double[] remainders = new double[weights.length];
    long assigned = 0;
    for (int c = 0; c < weights.length; c++) {
      double exact = rows * weights[c] / total;
      sizes[c] = (long) Math.floor(exact);
      remainders[c] = exact - sizes[c];
      assigned += sizes[c];
    }
    while (assigned < rows) {
      int best = 0;
      for (int c = 1; c < weights.length; c++) {
        if (remainders[c] > remainders[best]) {
          best = c;
        }
      }
      sizes[best]++;
      remainders[best] = -1;
      assigned++;
    }
    long[] ends = new long[weights.length];
    long acc = 0;
    for (int c = 0; c < weights.length; c++) {
      acc += sizes[c];
      ends[c] = acc;
    }
    return ends;
  }

  private static long coprimeStride(long rows) {
    long candidate = Math.max(1, (long) (rows * 0.6180339887498949)) | 1L;
    while (gcd(candidate, rows) != 1) {
      candidate += 2;
    }
    return candidate % Math.max(1, rows);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return Math.abs(a);
  }

  private static long mulMod(long a, long b, long m) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo % m;
    }
    return java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b)).mod(java.math.BigInteger.valueOf(m)).longValue();
  }

  private static long[] distinctVertices(int clusters, int dims, long seed) {
    long[] out = new long[clusters];
    long mask = dims >= 62 ? -1L : (1L << dims) - 1;
    KeyedStream s = KeyedStream.of(seed, RandomPurpose.SYNTH_VERTICES, 0);
    long counter = 0;
    for (int g = 0; g < clusters; g++) {
      long v;
      boolean fresh;
      do {
        v = s.bits(counter++) & mask;
        fresh = true;
        for (int h = 0; h < g; h++) {
          fresh &= out[h] != v;
        }
      } while (!fresh);
      out[g] = v;
    }
    return out;
  }
}
