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
 * Golden trajectories of wl-zhao/UniPC's {@code uni_pc.py} ({@code UniPC.sample}, multistep,
 * data_prediction, lower_order_final, bh1 and bh2, float64) on the exact 3-component GMM denoiser, made by
 * {@code src/test/resources/continuous/make_unipc_deis_golden.py}: on dpm-solver grids, the same N + 1
 * times, the same number of model calls (N: the corrector reuses the next step's model output) and final
 * samples equal to 1e-5.
 */
class UniPcReferenceGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/continuous/unipc_reference_golden.json");
  private static JsonNode doc;

  static Stream<JsonNode> cases() throws IOException {
    doc = new ObjectMapper().readTree(GOLDEN.toFile());
    List<JsonNode> out = new ArrayList<>();
    doc.get("cases").forEach(out::add);
    return out.stream();
  }

  private static NoiseSchedule schedule(String name) {
    return switch (name) {
      case "linear" -> LinearVpSchedule.DEFAULT;
      case "discrete_linear" -> DiscreteVpSchedule.diffusersDefault();
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String label = c.get("schedule").asText() + " " + c.get("skip_type").asText() + " order " + c.get("order").asInt()
        + " steps " + c.get("steps").asInt() + " " + c.get("variant").asText();
    NoiseSchedule schedule = schedule(c.get("schedule").asText());
    assertEquals(c.get("t_end").asDouble(), schedule.defaultEnd(), 1e-15, label + ": t_end");
    if (schedule instanceof DiscreteVpSchedule dv) {
      assertEquals(c.get("total_N").asInt(), dv.continuousSteps(), label + ": steps (no lambda clip for linear betas)");
    }
    int steps = c.get("steps").asInt();
    SkipType skip = SkipType.parse("skip_type", c.get("skip_type").asText());
    double[] times = skip.times(schedule, schedule.start(), schedule.defaultEnd(), steps);
    double[] expectedTimes = DpmSolverGoldenTest.vector(c.get("timesteps"));
    for (int i = 0; i <= steps; i++) {
      assertEquals(expectedTimes[i], times[i], 1e-10, label + ": time " + i);
    }
    UniPc solver = new UniPc(TimeGrid.dpmSolver(schedule, skip, steps),
        UniPcSettings.of(c.get("order").asInt(), UniPcSettings.Variant.parse("variant", c.get("variant").asText())));
    Denoiser model = new GaussianMixtureDenoiser(DpmSolverGoldenTest.prior(doc.get("gmm")), PredictionType.EPSILON);
    double[][] xT = DpmSolverGoldenTest.matrix(doc.get("x_T"));
    SampleKey[] keys = new SampleKey[xT.length];
    double[] flat = new double[xT.length * 3];
    for (int r = 0; r < xT.length; r++) {
      keys[r] = new SampleKey(r, 0);
      System.arraycopy(xT[r], 0, flat, 3 * r, 3);
    }
    SampleBatch out = solver.run(model, flat, keys, new GaussianDraws(1));
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    double[][] expected = DpmSolverGoldenTest.matrix(c.get("samples"));
    for (int r = 0; r < expected.length; r++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[r][i], out.samples()[3 * r + i], 1e-5, label + ": row " + r + " coordinate " + i);
      }
    }
  }
}
