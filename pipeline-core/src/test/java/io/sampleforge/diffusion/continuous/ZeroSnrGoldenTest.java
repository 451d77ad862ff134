package io.sampleforge.diffusion.continuous;

import static io.sampleforge.diffusion.continuous.Goldens.num;
import static io.sampleforge.diffusion.continuous.Goldens.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of diffusers' {@code rescale_betas_zero_snr} (DDIM: alpha_bar 0 at the last timestep;
 * DPM-Solver++, UniPC, Euler: 2^-24) and {@code DPMSolverMultistepScheduler}'s {@code lambda_min_clipped} (the
 * cosine schedule clipped at -5.1; linear at -3 and -4, trailing then runs 8 of 10 steps), made by
 * {@code src/test/resources/continuous/make_zero_snr_golden.py} (float64, behind stubs). Each case is built
 * through {@link SolverSpec}, as the {@code diffuse} job builds it: the same timesteps, terminal alpha_bar,
 * model calls and final samples (to 1e-5); and the same spec without the option ends elsewhere (by more
 * than 1e-4), so each case tests the option. Also the bad combinations the spec refuses.
 */
class ZeroSnrGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("zero_snr_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  private static SolverSpec spec(String scheduler, JsonNode cfg, int steps, boolean withOptions) {
    BetaSchedule beta = BetaSchedule.parse("beta_schedule", text(cfg, "beta_schedule", "linear"));
    boolean scaled = beta == BetaSchedule.SCALED_LINEAR;
    boolean rescale = withOptions && cfg.has("rescale_betas_zero_snr") && cfg.get("rescale_betas_zero_snr").asBoolean();
    ScheduleSpec schedule = new ScheduleSpec(ScheduleSpec.Kind.DISCRETE, beta, 1000, scaled ? 0.00085 : 1e-4,
        scaled ? 0.012 : 0.02, 0.1, 20.0).withRescaleBetasZeroSnr(rescale);
    boolean karras = cfg.has("use_karras_sigmas") && cfg.get("use_karras_sigmas").asBoolean();
    TimestepSpacing spacing = karras ? TimestepSpacing.KARRAS : TimestepSpacing.parse("timestep_spacing",
        text(cfg, "timestep_spacing", scheduler.equals("ddim") ? "leading" : "linspace"));
    FinalSigma last = FinalSigma.parse("final_sigmas_type", text(cfg, "final_sigmas_type", "zero"));
    int order = (int) num(cfg, "solver_order", 2);
    SolverKind kind = SolverKind.parse("solver", scheduler);
    java.io.Serializable settings = switch (kind) {
      case DDIM -> new DdimSettings(0.0, !cfg.has("clip_sample") || cfg.get("clip_sample").asBoolean(), 1.0);
      case DPMSOLVER_PLUS_PLUS -> new DpmSolverSettings(order, DpmSolverSettings.SolverType.MIDPOINT, true, false,
          DpmSolverSettings.OrderRule.DIFFUSERS);
      case SDE_DPMSOLVER_PLUS_PLUS -> SdeDpmSolverSettings.DIFFUSERS;
      case UNIPC -> UniPcSettings.DIFFUSERS;
      case EULER -> EdmSettings.EULER;
      default -> throw new IllegalArgumentException(scheduler);
    };
    double clip = withOptions ? num(cfg, "lambda_min_clipped", Double.NEGATIVE_INFINITY) : Double.NEGATIVE_INFINITY;
    return new SolverSpec(schedule, spacing, last, (int) num(cfg, "steps_offset", 0), kind, steps, settings, clip);
  }

  private static double[] run(SolverSpec spec, JsonNode c, Denoiser model) {
    GaussianSolver solver = spec.build();
    SampleBatch out;
    if (solver instanceof SdeDpmSolverPlusPlus sde) {
      JsonNode noise = c.get("noise");
      out = sde.run(model, GOLDEN.xT(), GOLDEN.rows(), (step, z) -> {
        double[] m = Goldens.flat(noise.get(step));
        System.arraycopy(m, 0, z, 0, m.length);
      });
    } else {
      out = GOLDEN.run(solver, model);
    }
    return out.samples();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesDiffusers(JsonNode c) {
    String scheduler = c.get("scheduler").asText();
    JsonNode cfg = c.get("config");
    int steps = c.get("steps").asInt();
    String label = scheduler + " " + cfg + " steps " + steps;
    SolverSpec spec = spec(scheduler, cfg, steps, true);
    JsonNode ts = c.get("timesteps");
    int calls = c.get("model_calls").asInt();
    assertEquals(calls, spec.build().modelCalls(), label + ": model calls");
    DiscreteVpSchedule schedule = (DiscreteVpSchedule) spec.schedule().build();
    if (scheduler.equals("ddim")) {
      int[] got = spec.spacing().diffusers().ddimTimesteps(1000, steps, spec.stepsOffset());
      for (int i = 0; i < calls; i++) {
        assertEquals(ts.get(i).asDouble(), got[i], 0.0, label + ": timestep " + i);
      }
    } else {
      schedule = schedule.withZeroSnrFloor();
      TimeGrid grid = spec.timeGrid();
      assertEquals(calls, grid.steps(), label + ": grid steps");
      for (int i = 0; i < calls; i++) {
        assertEquals(ts.get(i).asDouble(), grid.level(i).modelTime(), 1e-6, label + ": timestep " + i);
      }
    }
    assertEquals(c.get("last_alpha_bar").asDouble(), schedule.alphaBar(999), 1e-15, label + ": last alpha_bar");

    Denoiser model = GOLDEN.model(PredictionType.parse("prediction_type", text(cfg, "prediction_type", "epsilon")));
    double[] got = run(spec, c, model);
    Goldens.assertSamples(c.get("samples"), got, 1e-5, label);
    double[] off = run(spec(scheduler, cfg, steps, false), c, model);
    double[] expected = Goldens.flat(c.get("samples"));
    double apart = 0;
    for (int j = 0; j < expected.length; j++) {
      apart = Math.max(apart, Math.abs(expected[j] - off[j]));
    }
    assertTrue(apart > 1e-4, label + ": without the option the run ends only " + apart + " away");
  }

  @Test
  void rescaleLeavesLastAlphaBarZeroAndKeepsTheFirst() {
    DiscreteVpSchedule plain = DiscreteVpSchedule.diffusersDefault();
    DiscreteVpSchedule zero = new DiscreteVpSchedule(BetaSchedule.LINEAR, 1000, 1e-4, 0.02, true);
    assertEquals(0.0, zero.alphaBar(999), 0.0);
    assertEquals(plain.alphaBar(0), zero.alphaBar(0), 1e-15);
    assertEquals(0x1p-24, zero.withZeroSnrFloor().alphaBar(999), 0.0);
    NoiseLevel pure = zero.level(999);
    assertEquals(0.0, pure.alpha(), 0.0);
    assertEquals(1.0, pure.sigma(), 0.0);
    assertEquals(1000, plain.clippedLastTimestep(Double.NEGATIVE_INFINITY));
  }

  @Test
  void refusesCombinationsDiffusersLacks() {
    ScheduleSpec zero = ScheduleSpec.DIFFUSERS.withRescaleBetasZeroSnr(true);
    assertKey("schedule.rescale_betas_zero_snr", () -> new SolverSpec(zero, TimestepSpacing.LINSPACE, FinalSigma.ZERO,
        0, SolverKind.HEUN, 10, EdmSettings.HEUN));
    assertKey("schedule.rescale_betas_zero_snr", () -> new SolverSpec(zero, TimestepSpacing.LOGSNR, FinalSigma.ZERO,
        0, SolverKind.DPMSOLVER_PLUS_PLUS, 10, DpmSolverSettings.DIFFUSERS));
    assertKey("schedule.rescale_betas_zero_snr", () -> new SolverSpec(zero, TimestepSpacing.KARRAS, FinalSigma.ZERO,
        0, SolverKind.DDIM, 10, DdimSettings.DIFFUSERS));
    assertKey("schedule.rescale_betas_zero_snr", () -> ScheduleSpec.edm(0.002, 80, 7).withRescaleBetasZeroSnr(true));
    assertKey("timesteps.lambda_min_clipped", () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE,
        FinalSigma.ZERO, 0, SolverKind.UNIPC, 10, UniPcSettings.DIFFUSERS, -5.1));
    assertKey("timesteps.lambda_min_clipped", () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.KARRAS,
        FinalSigma.ZERO, 0, SolverKind.DPMSOLVER_PLUS_PLUS, 10, DpmSolverSettings.DIFFUSERS, -5.1));
    assertKey("timesteps.lambda_min_clipped", () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE,
        FinalSigma.ZERO, 0, SolverKind.DPMSOLVER_PLUS_PLUS, 10, DpmSolverSettings.DIFFUSERS, Double.NaN));
    // a clip that leaves too few timesteps for distinct linspace steps
    assertKey("lambda_min_clipped", () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE,
        FinalSigma.ZERO, 0, SolverKind.DPMSOLVER_PLUS_PLUS, 50, DpmSolverSettings.DIFFUSERS, 4.0));
    // DDIM at zero SNR with an epsilon model: no x0 there
    SolverSpec ddim = new SolverSpec(zero, TimestepSpacing.TRAILING, FinalSigma.ZERO, 0, SolverKind.DDIM, 10,
        DdimSettings.DIFFUSERS);
    assertKey("schedule.rescale_betas_zero_snr", () -> GOLDEN.run(ddim.build(), GOLDEN.model(PredictionType.EPSILON)));
  }

  private static void assertKey(String key, org.junit.jupiter.api.function.Executable e) {
    ConfigException ex = assertThrows(ConfigException.class, e);
    assertTrue(ex.getMessage().startsWith("parameter '" + key + "'"), ex.getMessage());
    assertEquals(2, ex.exitCode());
  }
}
