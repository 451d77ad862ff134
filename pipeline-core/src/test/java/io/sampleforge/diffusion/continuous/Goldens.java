package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One golden JSON file of {@code src/test/resources/continuous} (made by the committed {@code make_*.py}
 * scripts there) and what the golden tests read from it: the cases, the GMM ({@code gmm}: weights, means,
 * full covariances) with its exact denoiser, and the shared x_T ({@code x_T}: rows of D values) as the flat
 * row-major array and keys (row r, sample 0) the solvers take; plus the JSON-to-array helpers and the
 * sample comparison every such test makes. Test-only; reading a file costs one JSON parse.
 */
final class Goldens {
  static final Path DIR = Path.of("src/test/resources/continuous");

  private final JsonNode doc;

  private Goldens(JsonNode doc) {
    this.doc = doc;
  }

  /** The golden file of that name in {@link #DIR}. */
  static Goldens load(String fileName) {
    try {
      return new Goldens(new ObjectMapper().readTree(DIR.resolve(fileName).toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden file " + fileName, e);
    }
  }

  /** The whole document. */
  JsonNode doc() {
    return doc;
  }

  /** The {@code cases} array, for a {@code @MethodSource}. */
  Stream<JsonNode> cases() {
    List<JsonNode> out = new ArrayList<>();
    doc.get("cases").forEach(out::add);
    return out.stream();
  }

  /** The file's mixture ({@code gmm}). */
  GaussianMixture prior() {
    return prior(doc.get("gmm"));
  }

  /** The exact denoiser of the file's mixture, predicting {@code type}. */
  Denoiser model(PredictionType type) {
    return new GaussianMixtureDenoiser(prior(), type);
  }

  /** The number of x_T rows. */
  int rows() {
    return doc.get("x_T").size();
  }

  /** x_T flattened row-major (rows x D). */
  double[] xT() {
    return flat(doc.get("x_T"));
  }

  /** One key per x_T row: (r, 0). */
  SampleKey[] keys() {
    SampleKey[] keys = new SampleKey[rows()];
    for (int r = 0; r < keys.length; r++) {
      keys[r] = new SampleKey(r, 0);
    }
    return keys;
  }

  /** {@code solver.run} from the file's x_T with its keys (no step noise is drawn by the ODE solvers). */
  SampleBatch run(GaussianSolver solver, Denoiser model) {
    return solver.run(model, xT(), keys(), new GaussianDraws(1));
  }

  /** A mixture as the scripts write it: weights, means and full covariances. */
  static GaussianMixture prior(JsonNode gmm) {
    JsonNode w = gmm.get("weights");
    int k = w.size();
    double[] weights = new double[k];
    double[][] means = new double[k][];
    double[][][] covs = new double[k][][];
    for (int i = 0; i < k; i++) {
      weights[i] = w.get(i).asDouble();
      means[i] = vector(gmm.get("means").get(i));
      covs[i] = matrix(gmm.get("covariances").get(i));
    }
    return GaussianMixture.full(weights, means, covs);
  }

  static double[] vector(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asDouble();
    }
    return v;
  }

  static double[][] matrix(JsonNode a) {
    double[][] m = new double[a.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = vector(a.get(i));
    }
    return m;
  }

  /** A matrix (rows of equal length) flattened row-major. */
  static double[] flat(JsonNode a) {
    double[][] m = matrix(a);
    int d = m.length == 0 ? 0 : m[0].length;
    double[] out = new double[m.length * d];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * d, d);
    }
    return out;
  }

  /** Asserts a flat sample array equals the case's rows (a JSON matrix) to {@code tol}, naming row and coordinate. */
  static void assertSamples(JsonNode expected, double[] got, double tol, String label) {
    double[][] e = matrix(expected);
    int d = e[0].length;
    assertEquals(e.length * d, got.length, label + ": sample count");
    for (int r = 0; r < e.length; r++) {
      for (int i = 0; i < d; i++) {
        assertEquals(e[r][i], got[d * r + i], tol, label + ": row " + r + " coordinate " + i);
      }
    }
  }

  /** dpm-solver's schedule names in the goldens: {@code linear}, {@code discrete_linear}, {@code discrete_cosine}. */
  static NoiseSchedule dpmSolverSchedule(String name) {
    return switch (name) {
      case "linear" -> LinearVpSchedule.DEFAULT;
      case "discrete_linear" -> DiscreteVpSchedule.diffusersDefault();
      case "discrete_cosine" -> new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02);
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** dpm-solver's {@code model_type} names: {@code noise}, {@code x_start}, {@code v}. */
  static PredictionType dpmSolverType(String modelType) {
    return switch (modelType) {
      case "noise" -> PredictionType.EPSILON;
      case "x_start" -> PredictionType.SAMPLE;
      case "v" -> PredictionType.V;
      default -> throw new IllegalArgumentException(modelType);
    };
  }

  /** A case's {@code algorithm_type} ({@code dpmsolver++} when the case does not name one). */
  static DpmAlgorithm dpmAlgorithm(JsonNode c) {
    return DpmAlgorithm.parse("algorithm_type", text(c, "algorithm_type", "dpmsolver++"));
  }

  /** A config value or its default (the scripts record only the keys they set). */
  static String text(JsonNode cfg, String key, String dflt) {
    return cfg.has(key) ? cfg.get(key).asText() : dflt;
  }

  /** A numeric config value or its default. */
  static double num(JsonNode cfg, String key, double dflt) {
    return cfg.has(key) ? cfg.get(key).asDouble() : dflt;
  }
}
