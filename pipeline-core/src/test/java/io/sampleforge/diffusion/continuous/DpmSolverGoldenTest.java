package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of LuChengTHU/dpm-solver's {@code dpm_solver_pytorch.py} (multistep DPM-Solver++,
 * lower_order_final, float64) on the exact 3-component GMM denoiser, made by
 * {@code src/test/resources/continuous/make_golden.py}: the same x_T, the same N + 1 times, the same
 * number of model calls, and final samples equal to 1e-5.
 */
class DpmSolverGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/continuous/dpm_solver_golden.json");
  private static JsonNode doc;

  static Stream<JsonNode> cases() throws IOException {
    doc = new ObjectMapper().readTree(GOLDEN.toFile());
    List<JsonNode> out = new ArrayList<>();
    doc.get("cases").forEach(out::add);
    return out.stream();
  }

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

  static NoiseSchedule schedule(String name) {
    return switch (name) {
      case "linear" -> LinearVpSchedule.DEFAULT;
      case "discrete_linear" -> DiscreteVpSchedule.diffusersDefault();
      case "discrete_cosine" -> new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02);
      default -> throw new IllegalArgumentException(name);
    };
  }

  static PredictionType type(String modelType) {
    return switch (modelType) {
      case "noise" -> PredictionType.EPSILON;
      case "x_start" -> PredictionType.SAMPLE;
      case "v" -> PredictionType.V;
      default -> throw new IllegalArgumentException(modelType);
    };
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String label = c.get("schedule").asText() + " " + c.get("skip_type").asText() + " order " + c.get("order").asInt()
        + " steps " + c.get("steps").asInt() + " " + c.get("solver_type").asText() + " " + c.get("model_type").asText();
    NoiseSchedule schedule = schedule(c.get("schedule").asText());
    assertEquals(c.get("t_end").asDouble(), schedule.defaultEnd(), 1e-15, label + ": t_end");
    if (schedule instanceof DiscreteVpSchedule dv) {
      assertEquals(c.get("total_N").asInt(), dv.continuousSteps(), label + ": steps kept after the lambda clip");
    }
    int steps = c.get("steps").asInt();
    SkipType skip = SkipType.parse("skip_type", c.get("skip_type").asText());
    double[] times = skip.times(schedule, schedule.start(), schedule.defaultEnd(), steps);
    double[] expectedTimes = vector(c.get("timesteps"));
    for (int i = 0; i <= steps; i++) {
      assertEquals(expectedTimes[i], times[i], 1e-10, label + ": time " + i);
    }
    DpmSolverSettings.SolverType st = c.get("solver_type").asText().equals("taylor")
        ? DpmSolverSettings.SolverType.HEUN : DpmSolverSettings.SolverType.MIDPOINT;
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.dpmSolver(schedule, skip, steps),
        DpmSolverSettings.dpmSolver(c.get("order").asInt(), st));
    Denoiser model = new GaussianMixtureDenoiser(prior(doc.get("gmm")), type(c.get("model_type").asText()));
    double[][] xT = matrix(doc.get("x_T"));
    SampleKey[] keys = new SampleKey[xT.length];
    double[] flat = new double[xT.length * 3];
    for (int r = 0; r < xT.length; r++) {
      keys[r] = new SampleKey(r, 0);
      System.arraycopy(xT[r], 0, flat, 3 * r, 3);
    }
    SampleBatch out = solver.run(model, flat, keys, new GaussianDraws(1));
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    double[][] expected = matrix(c.get("samples"));
    for (int r = 0; r < expected.length; r++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[r][i], out.samples()[3 * r + i], 1e-5, label + ": row " + r + " coordinate " + i);
      }
    }
  }
}
