package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.posterior.DifferentiableDenoiser;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DJL autograd through the committed exported denoiser gauss_mlp/model.pt ({@link
 * ExportedGaussianDenoiser#differentiable()}): x0_hat and the vector-Jacobian product (d x0_hat / d
 * x)^T u equal what torch.autograd.grad of sum(x0_hat * u) gives (gauss_mlp/vjp_reference.json, made by
 * make_gauss_mlp_vjp.py) for the three prediction types at four levels, agree with central differences
 * of the model's own inference forward, survive two products on one graph, serialise across threads, and
 * an ONNX model is refused with model.type named.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutogradDenoiserTest {
  private static final Path DIR = Path.of("src/test/resources/model/gauss_mlp");
  private static final RowShape FLAT = RowShape.of(2);
  private JsonNode ref;
  private final List<ExportedGaussianDenoiser> opened = new ArrayList<>();

  @BeforeAll
  void start() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    ref = new ObjectMapper().readTree(DIR.resolve("vjp_reference.json").toFile());
  }

  @AfterAll
  void stop() {
    opened.forEach(ExportedGaussianDenoiser::close);
  }

  private ExportedGaussianDenoiser load(String file, PredictionType type, int classes) {
    ExportedGaussianDenoiser d = ExportedGaussianDenoiser.load(file.endsWith(".onnx") ? ModelFormat.ONNX
        : ModelFormat.TORCHSCRIPT, DIR.resolve(file), FLAT, type, classes, Device.cpu());
    opened.add(d);
    return d;
  }

  private static double[] flat(JsonNode rows) {
    double[] out = new double[rows.size() * rows.get(0).size()];
    int k = 0;
    for (JsonNode row : rows) {
      for (JsonNode v : row) {
        out[k++] = v.asDouble();
      }
    }
    return out;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  /**
   * float32 network: libtorch 2.7 (DJL) and 1.13 (the script) agree on the network's output p to about 1e-6
   * relative, and x0_hat and the product carry p with the factor c_p (sigma / alpha for epsilon: 156 at t
   * 999), so the tolerance is 3e-5 (1 + |c_p|) plus 2e-6 of the largest value.
   */
  private static void assertClose(double[] expected, double[] actual, double cp, String what) {
    double tol = 3e-5 * (1 + Math.abs(cp)) + 2e-6 * maxAbs(expected);
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], tol, what + " at " + j);
    }
  }

  private static double cp(PredictionType type, NoiseLevel level) {
    return switch (type) {
      case EPSILON -> level.sigma() / level.alpha();
      case SAMPLE -> 1;
      case V -> level.sigma();
    };
  }

  private static NoiseLevel level(JsonNode c) {
    return new NoiseLevel(c.get("t").asDouble(), c.get("alpha").asDouble(), c.get("sigma").asDouble());
  }

  @Test
  void productsEqualTorchAutogradForEveryPredictionType() {
    double[] x = flat(ref.get("x"));
    double[] u = flat(ref.get("u"));
    int rows = x.length / 2;
    int checked = 0;
    for (JsonNode c : ref.get("cases")) {
      PredictionType type = PredictionType.parse("t", c.get("prediction_type").asText());
      NoiseLevel level = level(c);
      try (AutogradDenoiser d = load("model.pt", type, 0).differentiable()) {
        DifferentiableDenoiser.Linearisation lin = d.linearise(x, rows, level);
        String what = type.id() + " at t " + level.modelTime();
        assertClose(flat(c.get("x0")), lin.data(), cp(type, level), what + " x0_hat");
        double[] out = new double[x.length];
        lin.vectorJacobianProduct(u, out);
        double[] golden = flat(c.get("vjp"));
        assertClose(golden, out, cp(type, level), what + " vjp");
        // the network's Jacobian matters: the product is not the linear part c_x u alone
        double cx = type == PredictionType.EPSILON ? 1 / level.alpha() : type == PredictionType.V ? level.alpha() : 0;
        double off = 0;
        for (int j = 0; j < u.length; j++) {
          off = Math.max(off, Math.abs(golden[j] - cx * u[j]));
        }
        assertTrue(off > 1e-3, what + ": network term " + off);
        assertEquals(1, d.forwards());
        assertEquals(1, d.backwards());
        checked++;
      }
    }
    assertEquals(12, checked);
  }

  @Test
  void productsAgreeWithCentralDifferencesOfTheInferenceForward() {
    ExportedGaussianDenoiser model = load("model.pt", PredictionType.EPSILON, 0);
    double[] x = flat(ref.get("x"));
    double[] u = flat(ref.get("u"));
    int rows = x.length / 2;
    double h = 1e-2;
    for (JsonNode c : ref.get("cases")) {
      if (!c.get("prediction_type").asText().equals("epsilon") || c.get("t").asDouble() > 600) {
        continue; // t 999: x0_hat = (x - sigma eps) / alpha with alpha 0.006 amplifies float32 rounding
      }
      NoiseLevel level = level(c);
      double[] vjp = new double[x.length];
      try (AutogradDenoiser d = model.differentiable()) {
        d.linearise(x, rows, level).vectorJacobianProduct(u, vjp);
      }
      NoiseLevel[] levels = new NoiseLevel[rows];
      java.util.Arrays.fill(levels, level);
      for (int i = 0; i < 2; i++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        for (int r = 0; r < rows; r++) {
          plus[r * 2 + i] += h;
          minus[r * 2 + i] -= h;
        }
        double[] ep = new double[x.length];
        double[] em = new double[x.length];
        model.predict(plus, levels, ep);
        model.predict(minus, levels, em);
        for (int r = 0; r < rows; r++) {
          double fp = 0;
          double fm = 0;
          for (int j = 0; j < 2; j++) {
            int k = r * 2 + j;
            fp += u[k] * PredictionType.EPSILON.toData(ep[k], plus[k], level.alpha(), level.sigma());
            fm += u[k] * PredictionType.EPSILON.toData(em[k], minus[k], level.alpha(), level.sigma());
          }
          double fd = (fp - fm) / (2 * h);
          double got = vjp[r * 2 + i];
          assertEquals(fd, got, 2e-3 * (1 + Math.abs(fd)), "row " + r + " coordinate " + i + " at t "
              + level.modelTime());
        }
      }
    }
  }

  @Test
  void twoProductsOnOneGraphAndASupersededOneIsRefused() {
    double[] x = flat(ref.get("x"));
    double[] u = flat(ref.get("u"));
    int rows = x.length / 2;
    JsonNode c = ref.get("cases").get(3); // t 500, epsilon
    assertEquals("epsilon", c.get("prediction_type").asText());
    try (AutogradDenoiser d = load("model.pt", PredictionType.EPSILON, 0).differentiable()) {
      DifferentiableDenoiser.Linearisation lin = d.linearise(x, rows, level(c));
      double[] first = new double[x.length];
      double[] second = new double[x.length];
      lin.vectorJacobianProduct(u, first);
      lin.vectorJacobianProduct(u, second); // the gradient is zeroed between passes, the graph kept
      assertArrayEquals(first, second);
      assertClose(flat(c.get("vjp")), second, cp(PredictionType.EPSILON, level(c)), "second product");
      d.linearise(x, rows, level(c));
      assertThrows(IllegalStateException.class, () -> lin.vectorJacobianProduct(u, first));
      assertEquals(2, d.forwards());
      assertEquals(2, d.backwards());
    }
  }

  @Test
  void aConditionalModelIsDifferentiatedAtTheNullClass() {
    double[] x = flat(ref.get("x"));
    double[] u = flat(ref.get("u"));
    JsonNode c = ref.get("cases").get(6); // t 100, epsilon
    assertEquals("epsilon", c.get("prediction_type").asText());
    try (AutogradDenoiser d = load("model_cond.pt", PredictionType.EPSILON, 3).differentiable()) {
      double[] out = new double[x.length];
      d.linearise(x, x.length / 2, level(c)).vectorJacobianProduct(u, out);
      assertClose(flat(c.get("vjp")), out, cp(PredictionType.EPSILON, level(c)), "null class");
    }
  }

  @Test
  void concurrentTasksSerialiseTheCollector() throws Exception {
    double[] x = flat(ref.get("x"));
    double[] u = flat(ref.get("u"));
    JsonNode c = ref.get("cases").get(3);
    double[] golden = flat(c.get("vjp"));
    ExportedGaussianDenoiser shared = ExportedGaussianDenoiser.shared(ModelFormat.TORCHSCRIPT, DIR.resolve("model.pt"),
        FLAT, PredictionType.EPSILON, 0, Device.cpu());
    opened.add(shared);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int task = 0; task < 3; task++) {
        done.add(pool.submit(() -> {
          try (AutogradDenoiser d = shared.differentiable()) {
            for (int i = 0; i < 30; i++) {
              double[] out = new double[x.length];
              d.linearise(x, x.length / 2, level(c)).vectorJacobianProduct(u, out);
              assertClose(golden, out, cp(PredictionType.EPSILON, level(c)), "concurrent");
            }
          }
          return 30;
        }));
      }
      for (Future<Integer> f : done) {
        assertEquals(30, f.get()); // "A PtGradientCollector is already collecting" would surface here
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void onnxCannotBeDifferentiated() {
    ExportedGaussianDenoiser onnx = load("model.onnx", PredictionType.EPSILON, 0);
    ConfigException e = assertThrows(ConfigException.class, onnx::differentiable);
    assertTrue(e.getMessage().contains("parameter 'model.type'") && e.getMessage().contains("cannot be "
        + "differentiated"), e.getMessage());
  }
}
