package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of LuChengTHU/dpm-solver's {@code dpm_solver_pytorch.py} singlestep DPM-Solver++ and
 * (cases with {@code algorithm_type} dpmsolver) the noise-prediction DPM-Solver ({@code method='singlestep'} and {@code 'singlestep_fixed'}, orders 1, 2 and 3, {@code dpmsolver} and
 * {@code taylor}, float64) on the exact 3-component GMM denoiser, made by
 * {@code src/test/resources/continuous/make_golden_singlestep.py}: the same step orders, the same outer
 * lambdas (1e-9), the same number of model calls and final samples equal to 1e-5.
 */
class DpmSolverSinglestepGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("dpm_solver_singlestep_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String label = c.get("schedule").asText() + " " + c.get("skip_type").asText() + " " + c.get("method").asText()
        + " order " + c.get("order").asInt() + " steps " + c.get("steps").asInt() + " " + c.get("solver_type").asText()
        + " " + c.get("model_type").asText() + " " + Goldens.dpmAlgorithm(c).id();
    NoiseSchedule schedule = Goldens.dpmSolverSchedule(c.get("schedule").asText());
    SkipType skip = SkipType.parse("skip_type", c.get("skip_type").asText());
    DpmSolverSettings.SolverType st = c.get("solver_type").asText().equals("taylor")
        ? DpmSolverSettings.SolverType.HEUN : DpmSolverSettings.SolverType.MIDPOINT;
    DpmSolverSinglestepSettings settings = new DpmSolverSinglestepSettings(c.get("order").asInt(), st,
        DpmSolverSinglestepSettings.Method.parse("method", c.get("method").asText()));
    DpmSolverSinglestep solver = DpmSolverSinglestep.dpmSolver(schedule, skip, c.get("steps").asInt(), settings,
        Goldens.dpmAlgorithm(c));

    List<SinglestepPlan.Step> steps = solver.plan().steps();
    int[] orders = steps.stream().mapToInt(SinglestepPlan.Step::order).toArray();
    int[] expectedOrders = new int[c.get("orders").size()];
    for (int i = 0; i < expectedOrders.length; i++) {
      expectedOrders[i] = c.get("orders").get(i).asInt();
    }
    assertArrayEquals(expectedOrders, orders, label + ": step orders");
    double[] lambdas = Goldens.vector(c.get("outer_lambdas"));
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(lambdas[i], steps.get(i).from().lambda(), 1e-9, label + ": lambda of outer time " + i);
      assertEquals(lambdas[i + 1], steps.get(i).to().lambda(), 1e-9, label + ": lambda of outer time " + (i + 1));
    }

    SampleBatch out = GOLDEN.run(solver, GOLDEN.model(Goldens.dpmSolverType(c.get("model_type").asText())));
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    assertEquals(c.get("model_calls").asInt(), solver.modelCalls(), label + ": declared model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
  }
}
