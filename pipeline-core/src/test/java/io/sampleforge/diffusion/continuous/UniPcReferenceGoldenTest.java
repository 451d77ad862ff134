package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
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
  private static final Goldens GOLDEN = Goldens.load("unipc_reference_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String label = c.get("schedule").asText() + " " + c.get("skip_type").asText() + " order " + c.get("order").asInt()
        + " steps " + c.get("steps").asInt() + " " + c.get("variant").asText();
    NoiseSchedule schedule = Goldens.dpmSolverSchedule(c.get("schedule").asText());
    assertEquals(c.get("t_end").asDouble(), schedule.defaultEnd(), 1e-15, label + ": t_end");
    if (schedule instanceof DiscreteVpSchedule dv) {
      assertEquals(c.get("total_N").asInt(), dv.continuousSteps(), label + ": steps (no lambda clip for linear betas)");
    }
    int steps = c.get("steps").asInt();
    SkipType skip = SkipType.parse("skip_type", c.get("skip_type").asText());
    double[] times = skip.times(schedule, schedule.start(), schedule.defaultEnd(), steps);
    double[] expectedTimes = Goldens.vector(c.get("timesteps"));
    for (int i = 0; i <= steps; i++) {
      assertEquals(expectedTimes[i], times[i], 1e-10, label + ": time " + i);
    }
    UniPc solver = new UniPc(TimeGrid.dpmSolver(schedule, skip, steps),
        UniPcSettings.of(c.get("order").asInt(), UniPcSettings.Variant.parse("variant", c.get("variant").asText())));
    SampleBatch out = GOLDEN.run(solver, GOLDEN.model(PredictionType.EPSILON));
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
  }
}
