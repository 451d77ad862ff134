package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a clean row becomes a measurement, for making measurement datasets (the ambient-diffusion
 * practice of training and evaluating on corrupted data: Daras et al., "Ambient Diffusion", NeurIPS
 * 2023): Gaussian noise, cells missing completely at random, a fixed linear map, or a blur or
 * downsampling of [C, H, W] rows ({@link ImageMap}), each with measurement
 * noise sigma_y, and a {@code cleanFraction} of rows kept uncorrupted (y = x, every cell observed). Every
 * draw is keyed by (seed, the row's record key, cell), so a row's measurement never depends on
 * partitioning or on the other rows: whether the row stays clean is uniform 0 of {@link
 * RandomPurpose#CORRUPTION_CLEAN}, cell j is missing when uniform j of {@link
 * RandomPurpose#CORRUPTION_MASK} is below the rate, and its noise is normal j of {@link
 * RandomPurpose#CORRUPTION_NOISE}. Cost: O(D) per row (O(m D) for a linear map).
 *
 * @param kind the measurement
 * @param sigmaY {@code operator.sigma_y} >= 0 (noise needs > 0)
 * @param maskRate {@code operator.mask_rate} in [0, 1] (mask only)
 * @param matrix {@code operator.matrix}, m x D (linear only; null otherwise)
 * @param cleanFraction {@code clean_fraction} in [0, 1] (noise, mask and blur only; 0 for linear and downsample)
 * @param image the blur or downsampling settings (those kinds only; null otherwise)
 * @param sparse a linear map given as sparse triples ({@code operator.matrix_file}; linear only, instead of
 *     {@code matrix})
 */
public record Corruption(CorruptionKind kind, double sigmaY, double maskRate, double[][] matrix, double cleanFraction,
    ImageMap image, SparseMatrix sparse) implements Serializable {

  public Corruption {
    if (kind == null) {
      throw ConfigException.of("operator.type", "is required (noise, mask, linear, blur or downsample)", null);
    }
    if (!(sigmaY >= 0) || Double.isInfinite(sigmaY)) {
      throw ConfigException.of("operator.sigma_y", "must be finite and >= 0", sigmaY);
    }
    if (kind == CorruptionKind.NOISE && sigmaY == 0) {
      throw ConfigException.of("operator.sigma_y", "must be > 0 for operator.type noise (0 would copy the rows)", sigmaY);
    }
    if (!(maskRate >= 0 && maskRate <= 1)) {
      throw ConfigException.of("operator.mask_rate", "must be in [0, 1]", maskRate);
    }
    if (kind != CorruptionKind.MASK && maskRate != 0) {
      throw ConfigException.of("operator.mask_rate", "applies to operator.type mask only", maskRate);
    }
    if (!(cleanFraction >= 0 && cleanFraction <= 1)) {
      throw ConfigException.of("clean_fraction", "must be in [0, 1]", cleanFraction);
    }
    if (kind == CorruptionKind.LINEAR) {
      if (cleanFraction != 0) {
        throw ConfigException.of("clean_fraction", "applies to noise and mask only (a linear map's y has another "
            + "length than x)", cleanFraction);
      }
      if ((matrix == null) == (sparse == null)) {
        throw ConfigException.of("operator.matrix", "is required for operator.type linear (m rows of D numbers), or "
            + "operator.matrix_file, not both", matrix == null ? null : "both set");
      }
      matrix = matrix == null ? null : checkedMatrix(matrix);
    } else if (matrix != null || sparse != null) {
      throw ConfigException.of(matrix != null ? "operator.matrix" : "operator.matrix_file",
          "applies to operator.type linear only", "set");
    }
    boolean imageKind = kind == CorruptionKind.BLUR || kind == CorruptionKind.DOWNSAMPLE;
    if (imageKind && (image == null || image.kind() != kind)) {
      throw ConfigException.of("operator.shape", "is required for operator.type " + kind.id() + " ([C, H, W])", null);
    }
    if (!imageKind && image != null) {
      throw ConfigException.of("operator.shape", "applies to operator.type blur and downsample only", image.shape());
    }
    if (kind == CorruptionKind.DOWNSAMPLE && cleanFraction != 0) {
      throw ConfigException.of("clean_fraction", "applies to noise, mask and blur only (a downsampled y has another "
          + "length than x)", cleanFraction);
    }
  }

  /** The measurement of a blur or downsampling. */
  public static Corruption image(ImageMap map, double sigmaY, double cleanFraction) {
    return new Corruption(map.kind(), sigmaY, 0, null, cleanFraction, map, null);
  }

  /** Gaussian noise sigma_y on every cell; a share {@code cleanFraction} of rows kept clean. */
  public static Corruption noise(double sigmaY, double cleanFraction) {
    return new Corruption(CorruptionKind.NOISE, sigmaY, 0, null, cleanFraction, null, null);
  }

  /** Cells missing at random with {@code rate}, observed cells with noise sigma_y. */
  public static Corruption mask(double rate, double sigmaY, double cleanFraction) {
    return new Corruption(CorruptionKind.MASK, sigmaY, rate, null, cleanFraction, null, null);
  }

  /** y = A x + sigma_y z. */
  public static Corruption linear(double[][] matrix, double sigmaY) {
    return new Corruption(CorruptionKind.LINEAR, sigmaY, 0, matrix, 0, null, null);
  }

  /**
   * Whether measured value j belongs to value column j (noise, mask, blur: y keeps the columns' names) or
   * the measurement has its own m values (linear, downsample: columns y0 .. y(m-1)).
   */
  public boolean measuresPerColumn() {
    return kind == CorruptionKind.NOISE || kind == CorruptionKind.MASK || kind == CorruptionKind.BLUR;
  }

  /** The config key that sets the measurement's width when it has its own values. */
  public String widthKey() {
    return kind == CorruptionKind.LINEAR ? (sparse != null ? "operator.matrix_file" : "operator.matrix") : kind == CorruptionKind.MASK
        || kind == CorruptionKind.NOISE ? "model.columns" : "operator.shape";
  }

  /** The length m of y for rows of {@code dimension} values. */
  public int outputDimension(int dimension) {
    if (sparse != null) {
      if (sparse.columns() != dimension) {
        throw ConfigException.of("operator.matrix_file", "must have one column per value column (" + dimension + ")",
            sparse.rows() + " x " + sparse.columns());
      }
      return sparse.rows();
    }
    if (kind == CorruptionKind.LINEAR) {
      if (matrix[0].length != dimension) {
        throw ConfigException.of("operator.matrix", "must have one column per value column (" + dimension + ")",
            matrix[0].length);
      }
      return matrix.length;
    }
    if (image != null) {
      if (image.shape().size() != dimension) {
        throw ConfigException.of("operator.shape", "must hold one value per value column (C H W = " + dimension + ")",
            image.shape());
      }
      return image.operator(0).outputDimension();
    }
    return dimension;
  }

  /**
   * A measured row: {@code y} (NaN where a cell is missing), which cells are observed (all for noise,
   * linear and clean rows), and whether the row was corrupted at all.
   */
  public record Measured(double[] y, boolean[] observed, boolean corrupted) {}

  /** The measurement of row {@code x} with record key {@code rowKey} under the job seed. */
  public Measured measure(double[] x, long rowKey, long seed) {
    int d = x.length;
    boolean clean = cleanFraction > 0
        && KeyedStream.of(seed, RandomPurpose.CORRUPTION_CLEAN, rowKey).uniform(0) < cleanFraction;
    int m = outputDimension(d);
    boolean[] observed = new boolean[m];
    Arrays.fill(observed, true);
    if (clean) {
      return new Measured(x.clone(), observed, false);
    }
    double[] y = new double[m];
    if (kind == CorruptionKind.LINEAR && matrix != null) {
      for (int i = 0; i < m; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += matrix[i][j] * x[j];
        }
        y[i] = s;
      }
    } else if (image != null) {
      image.operator(0).apply(x, 0, y, 0);
    } else if (sparse != null) {
      sparse.operator(0).apply(x, 0, y, 0);
    } else {
      System.arraycopy(x, 0, y, 0, d);
    }
    KeyedStream noise = sigmaY > 0 ? KeyedStream.of(seed, RandomPurpose.CORRUPTION_NOISE, rowKey) : null;
    KeyedStream mask = kind == CorruptionKind.MASK ? KeyedStream.of(seed, RandomPurpose.CORRUPTION_MASK, rowKey) : null;
    for (int j = 0; j < m; j++) {
      if (mask != null && mask.uniform(j) < maskRate) {
        observed[j] = false;
        y[j] = Double.NaN;
        continue;
      }
      if (noise != null) {
        y[j] += sigmaY * noise.gaussian(j);
      }
    }
    return new Measured(y, observed, true);
  }

  /** The operator of a corrupted row as the posterior samplers take it. */
  public MeasurementOperator operator(int dimension, boolean[] observed) {
    return operator(dimension, observed, sigmaY);
  }

  /**
   * The operator of a corrupted row with its own measurement noise {@code sigma} (a per-row noise level, the
   * {@code posterior} job's {@code sigma_y_column}); the caller checks it (finite, >= 0).
   */
  public MeasurementOperator operator(int dimension, boolean[] observed, double sigmaY) {
    return switch (kind) {
      case NOISE -> new IdentityOperator(dimension, sigmaY);
      case MASK -> new MaskOperator(observed, sigmaY);
      case LINEAR -> sparse != null ? sparse.operator(sigmaY) : new DenseLinearOperator(matrix, sigmaY);
      case BLUR, DOWNSAMPLE -> image.operator(sigmaY);
    };
  }

  /** The settings as an ordered map (provenance: the {@code operator} column and the manifest). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", kind.id());
    m.put("sigma_y", sigmaY);
    if (kind == CorruptionKind.MASK) {
      m.put("mask_rate", maskRate);
    }
    if (image != null) {
      m.putAll(image.describe());
    }
    if (sparse != null) {
      m.put("matrix_file", sparse.describe());
    } else if (kind == CorruptionKind.LINEAR) {
      m.put("matrix", Arrays.stream(matrix).map(r -> Arrays.stream(r).boxed().toList()).toList());
    } else if (kind != CorruptionKind.DOWNSAMPLE) {
      m.put("clean_fraction", cleanFraction);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Corruption c && kind == c.kind && Double.compare(sigmaY, c.sigmaY) == 0
        && Double.compare(maskRate, c.maskRate) == 0 && Arrays.deepEquals(matrix, c.matrix)
        && Double.compare(cleanFraction, c.cleanFraction) == 0 && java.util.Objects.equals(image, c.image) && java.util.Objects.equals(sparse, c.sparse);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, sigmaY, maskRate, Arrays.deepHashCode(matrix), cleanFraction, image, sparse);
  }

  @Override
  public String toString() {
    return "Corruption" + describe();
  }

  private static double[][] checkedMatrix(double[][] a) {
    if (a.length == 0 || a[0] == null || a[0].length == 0) {
      throw ConfigException.of("operator.matrix", "must be a non-empty m x D matrix", a.length + " rows");
    }
    double[][] copy = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      if (a[i] == null || a[i].length != a[0].length) {
        throw ConfigException.of("operator.matrix[" + i + "]", "must have " + a[0].length + " numbers like row 0",
            a[i] == null ? null : a[i].length);
      }
      for (double v : a[i]) {
        if (!Double.isFinite(v)) {
          throw ConfigException.of("operator.matrix[" + i + "]", "must hold finite numbers", v);
        }
      }
      copy[i] = a[i].clone();
    }
    return copy;
  }
}
