package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of diffusers' {@code EulerDiscreteScheduler}, {@code HeunDiscreteScheduler} and
 * {@code DPMSolverMultistepScheduler(algorithm_type="sde-dpmsolver++")} and {@code algorithm_type="dpmsolver"}
 * (the noise-prediction DPM-Solver on linspace / leading / trailing grids ending at sigma_min, with
 * {@code lower_order_final}, {@code euler_at_final} and {@code lambda_min_clipped} as the case names them), run in float64 behind small
 * stubs by {@code src/test/resources/continuous/make_golden_diffusers.py}, on the exact 3-component GMM
 * denoiser. Karras grids ({@link KarrasSigmas}), diffusers' linspace DPM-Solver grid and Euler / Heun's
 * interpolated sigmas at linspace (fractional), leading (with {@code steps_offset}) and trailing timesteps
 * ({@link InterpolatedSigmas}, Euler also ending at {@code sigma_min}) are rebuilt here and must match the
 * reference's sigmas (1e-9 relative) and timesteps (1e-6). The SDE cases replay the reference's step
 * noise. Each case asserts the number of model calls and the final samples to 1e-5.
 */
class DiffusersGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("diffusers_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static DiscreteVpSchedule schedule(String beta) {
    return switch (beta) {
      case "linear" -> DiscreteVpSchedule.diffusersDefault();
      case "scaled_linear" -> new DiscreteVpSchedule(BetaSchedule.SCALED_LINEAR, 1000, 0.00085, 0.012);
      case "squaredcos_cap_v2" -> new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02);
      default -> throw new IllegalArgumentException(beta);
    };
  }

  private static void assertGrid(JsonNode c, TimeGrid grid, String label) {
    double[] sigmas = Goldens.vector(c.get("grid_sigmas"));
    double[] times = Goldens.vector(c.get("grid_timesteps"));
    assertEquals(sigmas.length - 1, grid.steps(), label + ": steps");
    for (int i = 0; i < sigmas.length; i++) {
      double s = EdmSolver.veSigma(grid.level(i));
      assertEquals(sigmas[i], s, 1e-9 * Math.max(1, sigmas[i]), label + ": sigma " + i);
      if (i < times.length) {
        assertEquals(times[i], grid.level(i).modelTime(), 1e-6, label + ": timestep " + i);
      }
    }
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesReference(JsonNode c) {
    String scheduler = c.get("scheduler").asText();
    boolean karras = c.get("karras").asBoolean();
    int steps = c.get("steps").asInt();
    String label = scheduler + " " + c.get("beta_schedule").asText() + (karras ? " karras" : " "
        + c.path("spacing").asText("linspace") + " offset " + c.path("steps_offset").asInt(0) + " final "
        + c.path("final_sigmas_type").asText("zero")) + " steps "
        + steps + " " + c.get("prediction_type").asText() + (c.has("order") ? " order " + c.get("order").asInt() + " "
        + c.get("solver_type").asText() : "");
    DiscreteVpSchedule schedule = schedule(c.get("beta_schedule").asText());
    Denoiser model = GOLDEN.model(PredictionType.parse("prediction_type", c.get("prediction_type").asText()));
    SampleBatch out;
    if (scheduler.equals("dpmsolver")) {
      TimeGrid grid = TimeGrid.diffusers(schedule, DiffusersSpacing.parse("spacing", c.get("spacing").asText()), steps,
          c.get("steps_offset").asInt(), FinalSigma.SIGMA_MIN, c.path("lambda_min_clipped").asDouble(
              Double.NEGATIVE_INFINITY));
      assertGrid(c, grid, label);
      DpmSolverPlusPlus solver = new DpmSolverPlusPlus(grid, new DpmSolverSettings(c.get("order").asInt(),
          DpmSolverSettings.SolverType.parse("solver_type", c.get("solver_type").asText()),
          c.get("lower_order_final").asBoolean(), c.get("euler_at_final").asBoolean(),
          DpmSolverSettings.OrderRule.DIFFUSERS), DpmAlgorithm.NOISE_PREDICTION);
      out = GOLDEN.run(solver, model);
    } else if (scheduler.equals("sde-dpmsolver++")) {
      TimeGrid grid = karras ? KarrasSigmas.dpmSolverMultistep(schedule, steps, FinalSigma.ZERO)
          : TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, steps, 0, FinalSigma.ZERO);
      assertGrid(c, grid, label);
      SdeDpmSolverPlusPlus solver = new SdeDpmSolverPlusPlus(grid, new SdeDpmSolverSettings(c.get("order").asInt(),
          DpmSolverSettings.SolverType.parse("solver_type", c.get("solver_type").asText()), true, false));
      JsonNode noise = c.get("noise");
      out = solver.run(model, GOLDEN.xT(), GOLDEN.rows(), (step, z) -> {
        double[] m = Goldens.flat(noise.get(step));
        System.arraycopy(m, 0, z, 0, m.length);
      });
      assertEquals(solver.modelCalls(), out.modelCalls(), label);
    } else {
      TimeGrid grid;
      if (karras) {
        grid = KarrasSigmas.eulerDiscrete(schedule, steps, FinalSigma.ZERO);
      } else {
        DiffusersSpacing spacing = DiffusersSpacing.parse("spacing", c.path("spacing").asText("linspace"));
        FinalSigma last = FinalSigma.parse("final_sigmas_type", c.path("final_sigmas_type").asText("zero"));
        grid = InterpolatedSigmas.eulerDiscrete(schedule, spacing, steps, c.path("steps_offset").asInt(0), last,
            scheduler.equals("heun"));
      }
      assertGrid(c, grid, label);
      EdmSolver solver = new EdmSolver(grid, scheduler.equals("heun") ? EdmSettings.HEUN : EdmSettings.EULER);
      out = GOLDEN.run(solver, model);
      assertEquals(solver.modelCalls(), out.modelCalls(), label + ": declared model calls");
    }
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
  }
}
