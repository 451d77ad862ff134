package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.ClassMixtureDenoiser;
import io.sampleforge.diffusion.continuous.ConditionalDenoiser;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in exact model: a Gaussian mixture sum_k w_k N(mu_k, Sigma_k) in model space, with either
 * full covariances ({@code covariances}, K x D x D) or diagonal ones ({@code variances}, K x D), whose
 * denoiser is the exact E[x0 | x_t] ({@link GaussianMixtureDenoiser}; shared/notes/samplers.md
 * section 6). From the config ({@code model.type: gmm}, identity standardisation) or fitted by Spark
 * MLlib on standardised columns ({@link MixtureFit}). Validated on construction (config keys
 * {@code model.weights}, {@code model.means}, {@code model.covariances} / {@code model.variances}).
 * With {@code componentClasses} (config {@code model.component_classes}: one class label in [0, K) per
 * component, every class used) the mixture is also a class-conditional model ({@link
 * ClassMixtureDenoiser}): class c is the mixture of its components, with prior the sum of their weights,
 * and the null class K is the whole mixture (classifier-free guidance's exact oracle).
 * Cost per call: O(K D^2) per row (O(K D) diagonal), O(K D^3) once per task for the eigen-decompositions.
 */
public record MixtureModelSpec(List<String> columns, double[] weights, double[][] means, double[][][] covariances,
    double[][] variances, Standardisation standardisation, Map<String, Object> source, int[] componentClasses)
    implements GaussianModelSpec {

  /** An unconditional mixture. */
  public MixtureModelSpec(List<String> columns, double[] weights, double[][] means, double[][][] covariances,
      double[][] variances, Standardisation standardisation, Map<String, Object> source) {
    this(columns, weights, means, covariances, variances, standardisation, source, null);
  }

  public MixtureModelSpec {
    if (weights == null || means == null || means.length == 0) {
      throw ConfigException.of("model.means", "must list one mean per component", null);
    }
    if ((covariances == null) == (variances == null)) {
      throw ConfigException.of("model.covariances/model.variances", "give exactly one of model.covariances (full, K x D x D) and "
          + "model.variances (diagonal, K x D)", covariances == null ? "neither" : "both");
    }
    int d = means[0] == null ? 0 : means[0].length;
    if (d == 0) {
      throw ConfigException.of("model.means[0]", "must have at least one coordinate", 0);
    }
    columns = columns == null || columns.isEmpty() ? defaultColumns(d) : List.copyOf(columns);
    if (columns.size() != d) {
      throw ConfigException.of("model.columns", "must name one column per dimension (" + d + ")", columns);
    }
    if (columns.stream().distinct().count() != d) {
      throw ConfigException.of("model.columns", "must be distinct", columns);
    }
    standardisation = standardisation == null ? Standardisation.identity(d) : standardisation;
    if (standardisation.dimension() != d) {
      throw new IllegalArgumentException("standardisation of dimension " + standardisation.dimension() + " for D " + d);
    }
    source = source == null ? Map.of("type", "gmm") : Map.copyOf(source);
    mixture(weights, means, covariances, variances);
    if (componentClasses != null) {
      componentClasses = componentClasses.clone();
      checkClasses(componentClasses, weights.length);
    }
  }

  private static void checkClasses(int[] classes, int components) {
    if (classes.length != components) {
      throw ConfigException.of("model.component_classes", "must give one class label per component (" + components
          + ")", classes.length);
    }
    int k = 0;
    for (int c : classes) {
      if (c < 0) {
        throw ConfigException.of("model.component_classes", "must hold class labels >= 0", c);
      }
      k = Math.max(k, c + 1);
    }
    boolean[] used = new boolean[k];
    for (int c : classes) {
      used[c] = true;
    }
    for (int c = 0; c < k; c++) {
      if (!used[c]) {
        throw ConfigException.of("model.component_classes", "must use every class 0 .. " + (k - 1)
            + " (a class with no component has no law)", "class " + c + " unused in " + java.util.Arrays.toString(classes));
      }
    }
  }

  @Override
  public int numClasses() {
    if (componentClasses == null) {
      return 0;
    }
    int k = 0;
    for (int c : componentClasses) {
      k = Math.max(k, c + 1);
    }
    return k;
  }

  /** The class-conditional model: class c's mixture of its components, priors their weight sums. */
  public ClassMixtureDenoiser classMixtures() {
    if (componentClasses == null) {
      throw new IllegalStateException("an unconditional mixture (no model.component_classes)");
    }
    GaussianMixture all = mixture();
    int k = numClasses();
    double[] priors = new double[k];
    List<GaussianMixture> classes = new java.util.ArrayList<>();
    for (int c = 0; c < k; c++) {
      List<Integer> members = new java.util.ArrayList<>();
      for (int j = 0; j < componentClasses.length; j++) {
        if (componentClasses[j] == c) {
          members.add(j);
          priors[c] += all.weight(j);
        }
      }
      double[] w = new double[members.size()];
      double[][] m = new double[members.size()][];
      double[][][] cov = new double[members.size()][][];
      for (int i = 0; i < w.length; i++) {
        w[i] = all.weight(members.get(i)) / priors[c];
        m[i] = all.mean(members.get(i));
        cov[i] = all.covariance(members.get(i));
      }
      classes.add(GaussianMixture.full(w, m, cov));
    }
    return new ClassMixtureDenoiser(priors, classes, PredictionType.EPSILON);
  }

  @Override
  public Optional<GaussianMixture> exactPrior(int label) {
    if (label == numClasses()) {
      return exactPrior();
    }
    return Optional.of(classMixtures().classMixture(label));
  }

  /** x0, x1, ... */
  public static List<String> defaultColumns(int d) {
    return java.util.stream.IntStream.range(0, d).mapToObj(i -> "x" + i).toList();
  }

  private static GaussianMixture mixture(double[] w, double[][] m, double[][][] c, double[][] v) {
    try {
      return c != null ? GaussianMixture.full(w, m, c) : GaussianMixture.diagonal(w, m, v);
    } catch (ConfigException e) {
      String msg = e.getMessage().replace("'gmm.", "'model.").replace("/gmm.", "/model.");
      throw new ConfigException(c == null ? msg.replace("'model.covariances", "'model.variances") : msg);
    }
  }

  public GaussianMixture mixture() {
    return mixture(weights, means, covariances, variances);
  }

  @Override
  public int dimension() {
    return means[0].length;
  }

  @Override
  public Map<String, Object> identity() {
    Map<String, Object> m = new LinkedHashMap<>(new java.util.TreeMap<>(source));
    m.put("components", weights.length);
    m.put("dimension", dimension());
    m.put("covariance", covariances != null ? "full" : "diagonal");
    if (componentClasses != null) {
      m.put("classes", numClasses());
      m.put("component_classes", java.util.Arrays.stream(componentClasses).boxed().toList());
    }
    m.put("parameters_hash", Long.toHexString(parametersHash()));
    return m;
  }

  private long parametersHash() {
    long h = io.sampleforge.random.Hash64.of("gmm");
    for (double x : weights) {
      h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
    }
    for (double[] row : means) {
      for (double x : row) {
        h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
      }
    }
    if (covariances != null) {
      for (double[][] c : covariances) {
        for (double[] row : c) {
          for (double x : row) {
            h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
          }
        }
      }
    } else {
      for (double[] row : variances) {
        for (double x : row) {
          h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
        }
      }
    }
    for (double x : standardisation.mean()) {
      h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
    }
    for (double x : standardisation.scale()) {
      h = io.sampleforge.random.Hash64.combine(h, Double.doubleToLongBits(x));
    }
    return h;
  }

  @Override
  public DenoiserHandle open() {
    Denoiser d = new GaussianMixtureDenoiser(mixture(), PredictionType.EPSILON);
    ClassMixtureDenoiser conditional = componentClasses == null ? null : classMixtures();
    return new DenoiserHandle() {
      @Override
      public Denoiser denoiser() {
        return d;
      }

      @Override
      public ConditionalDenoiser conditional() {
        if (conditional == null) {
          return DenoiserHandle.super.conditional();
        }
        return conditional;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Optional<GaussianMixture> exactPrior() {
    return Optional.of(mixture());
  }
}
