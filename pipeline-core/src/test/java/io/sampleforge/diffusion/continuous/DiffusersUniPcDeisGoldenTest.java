package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.sampleforge.diffusion.continuous.Goldens.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of diffusers' {@code UniPCMultistepScheduler} and {@code DEISMultistepScheduler}
 * (made by {@code src/test/resources/continuous/make_unipc_deis_golden.py}) on the exact 3-component GMM
 * denoiser. Per case: the same integer timesteps as {@link DiffusersSpacing}; the Java schedule's sigmas
 * equal diffusers' float32 sigma table to float32 rounding; on the recorded sigma table, the same number
 * of model calls and the same final samples to 1e-5 as diffusers run with that table in float64; and on
 * the Java schedule's own float64 grid, the same samples to 5e-4 (the only difference is the float32
 * rounding of diffusers' sigmas; measured up to 1.4e-4). On the recorded table they agree to 2e-14.
 */
class DiffusersUniPcDeisGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("diffusers_unipc_deis_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static GaussianSolver solver(String scheduler, JsonNode cfg, TimeGrid grid) {
    int order = cfg.has("solver_order") ? cfg.get("solver_order").asInt() : 2;
    boolean lowerOrderFinal = !cfg.has("lower_order_final") || cfg.get("lower_order_final").asBoolean();
    if (scheduler.equals("deis")) {
      return new Deis(grid, DeisSettings.of(order, lowerOrderFinal));
    }
    List<Integer> disabled = new ArrayList<>();
    if (cfg.has("disable_corrector")) {
      cfg.get("disable_corrector").forEach(n -> disabled.add(n.asInt()));
    }
    UniPcSettings.Variant variant = UniPcSettings.Variant.parse("solver_type", text(cfg, "solver_type", "bh2"));
    return new UniPc(grid, new UniPcSettings(order, variant, lowerOrderFinal, disabled));
  }

  private static double[] run(GaussianSolver solver, Denoiser model, int expectedCalls, String label) {
    SampleBatch out = GOLDEN.run(solver, model);
    assertEquals(expectedCalls, out.modelCalls(), label + ": model calls");
    assertEquals(expectedCalls, solver.modelCalls(), label + ": declared model calls");
    return out.samples();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesDiffusers(JsonNode c) {
    String scheduler = c.get("scheduler").asText();
    JsonNode cfg = c.get("config");
    int steps = c.get("steps").asInt();
    String label = scheduler + " " + cfg + " steps " + steps;
    DiscreteVpSchedule schedule = new DiscreteVpSchedule(
        BetaSchedule.parse("beta_schedule", text(cfg, "beta_schedule", "linear")), 1000,
        cfg.has("beta_start") ? cfg.get("beta_start").asDouble() : 1e-4,
        cfg.has("beta_end") ? cfg.get("beta_end").asDouble() : 0.02);
    DiffusersSpacing spacing = DiffusersSpacing.parse("timestep_spacing", text(cfg, "timestep_spacing", "linspace"));
    int offset = cfg.has("steps_offset") ? cfg.get("steps_offset").asInt() : 0;
    FinalSigma last = scheduler.equals("deis") ? FinalSigma.SIGMA_MIN
        : FinalSigma.parse("final_sigmas_type", text(cfg, "final_sigmas_type", "zero"));

    int[] ts = spacing.dpmSolverTimesteps(1000, steps, offset);
    int[] expectedTs = new int[steps];
    for (int i = 0; i < steps; i++) {
      expectedTs[i] = c.get("timesteps").get(i).asInt();
    }
    assertArrayEquals(expectedTs, ts, label + ": timesteps");

    TimeGrid own = TimeGrid.diffusers(schedule, spacing, steps, offset, last);
    double[] sig = Goldens.vector(c.get("sigmas"));
    NoiseLevel[] recorded = new NoiseLevel[steps + 1];
    for (int i = 0; i <= steps; i++) {
      NoiseLevel l = own.level(i);
      // diffusers' sigma^2 = (1 - abar) / abar comes from float32 betas and a float32 cumprod: a relative
      // error e in abar moves it by e (1 + sigma^2). Measured e: up to 7e-7, and 1.3e-5 at the cosine
      // schedule's t = 999, whose capped beta 0.999 leaves 1 - beta = 1e-3 with float32 error up to 6e-5.
      double ownSq = (l.sigma() / l.alpha()) * (l.sigma() / l.alpha());
      assertEquals(sig[i] * sig[i], ownSq, 5e-5 * (1 + sig[i] * sig[i]), label + ": sigma^2 " + i);
      double a = 1 / Math.sqrt(sig[i] * sig[i] + 1);
      recorded[i] = sig[i] == 0 ? NoiseLevel.clean() : new NoiseLevel(i < steps ? ts[i] : 0, a, sig[i] * a);
    }

    Denoiser model = GOLDEN.model(PredictionType.parse("prediction_type", text(cfg, "prediction_type", "epsilon")));
    int calls = c.get("model_calls").asInt();
    double[] onRecorded = run(solver(scheduler, cfg, new TimeGrid(recorded)), model, calls, label);
    double[] onOwn = run(solver(scheduler, cfg, own), model, calls, label);
    Goldens.assertSamples(c.get("samples"), onRecorded, 1e-5, label);
    Goldens.assertSamples(c.get("samples"), onOwn, 5e-4, label + ": own grid");
  }
}
