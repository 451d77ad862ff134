package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of LuChengTHU/dpm-solver's {@code dpm_solver_pytorch.py} (multistep DPM-Solver++ and,
 * for the cases with {@code algorithm_type} dpmsolver, the noise-prediction DPM-Solver; lower_order_final, float64) on the exact 3-component GMM denoiser, made by
 * {@code src/test/resources/continuous/make_golden.py}: the same x_T, the same N + 1 times, the same
 * number of model calls, and final samples equal to 1e-5.
 */
class DpmSolverGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("dpm_solver_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String label = c.get("schedule").asText() + " " + c.get("skip_type").asText() + " order " + c.get("order").asInt()
        + " steps " + c.get("steps").asInt() + " " + c.get("solver_type").asText() + " " + c.get("model_type").asText()
        + " " + Goldens.dpmAlgorithm(c).id();
    NoiseSchedule schedule = Goldens.dpmSolverSchedule(c.get("schedule").asText());
    assertEquals(c.get("t_end").asDouble(), schedule.defaultEnd(), 1e-15, label + ": t_end");
    if (schedule instanceof DiscreteVpSchedule dv) {
      assertEquals(c.get("total_N").asInt(), dv.continuousSteps(), label + ": steps kept after the lambda clip");
    }
    int steps = c.get("steps").asInt();
    SkipType skip = SkipType.parse("skip_type", c.get("skip_type").asText());
    double[] times = skip.times(schedule, schedule.start(), schedule.defaultEnd(), steps);
    double[] expectedTimes = Goldens.vector(c.get("timesteps"));
    for (int i = 0; i <= steps; i++) {
      assertEquals(expectedTimes[i], times[i], 1e-10, label + ": time " + i);
    }
    DpmSolverSettings.SolverType st = c.get("solver_type").asText().equals("taylor")
        ? DpmSolverSettings.SolverType.HEUN : DpmSolverSettings.SolverType.MIDPOINT;
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.dpmSolver(schedule, skip, steps),
        DpmSolverSettings.dpmSolver(c.get("order").asInt(), st), Goldens.dpmAlgorithm(c));
    SampleBatch out = GOLDEN.run(solver, GOLDEN.model(Goldens.dpmSolverType(c.get("model_type").asText())));
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
  }
}
