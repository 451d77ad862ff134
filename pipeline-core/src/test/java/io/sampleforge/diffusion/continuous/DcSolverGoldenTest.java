package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DC-Solver's dynamic compensation ({@link DynamicCompensation} in {@link UniPc}) against the reference
 * scheduler of wl-zhao/DC-Solver, golden trajectories made by {@code
 * src/test/resources/continuous/make_dc_solver_golden.py} on the exact 3-component GMM denoiser with given
 * per-step ratios (dc_order 1, 2, 3; solver orders 2 and 3; bh1 and bh2; two beta schedules; all ratios 1).
 * On the recorded sigma table the final samples agree to 1e-5, on the Java schedule's own grid to 5e-4 (the
 * float32 rounding of the reference's sigma table), as in {@link DiffusersUniPcDeisGoldenTest}. The
 * compensation must matter: the golden samples with ratios differ from plain UniPC's by more than the
 * tolerance. Also: Lagrange interpolation reproduces a quadratic exactly; bad ratios are named.
 */
class DcSolverGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("dc_solver_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void matchesTheReferenceScheduler(JsonNode c) {
    JsonNode cfg = c.get("config");
    int steps = c.get("steps").asInt();
    String label = cfg + " steps " + steps + " ratios " + c.get("dc_ratios");
    DiscreteVpSchedule schedule = new DiscreteVpSchedule(BetaSchedule.parse("beta_schedule",
        cfg.has("beta_schedule") ? cfg.get("beta_schedule").asText() : "linear"), 1000,
        cfg.has("beta_start") ? cfg.get("beta_start").asDouble() : 1e-4,
        cfg.has("beta_end") ? cfg.get("beta_end").asDouble() : 0.02);
    TimeGrid own = TimeGrid.diffusers(schedule, DiffusersSpacing.LINSPACE, steps, 0, FinalSigma.SIGMA_MIN);
    int[] ts = DiffusersSpacing.LINSPACE.dpmSolverTimesteps(1000, steps, 0);
    double[] sig = Goldens.vector(c.get("sigmas"));
    NoiseLevel[] recorded = new NoiseLevel[steps + 1];
    for (int i = 0; i <= steps; i++) {
      assertEquals(i < steps ? c.get("timesteps").get(i).asInt() : 0, i < steps ? ts[i] : 0, label + ": timestep " + i);
      double a = 1 / Math.sqrt(sig[i] * sig[i] + 1);
      recorded[i] = new NoiseLevel(i < steps ? ts[i] : 0, a, sig[i] * a);
    }
    List<Double> ratios = new ArrayList<>();
    c.get("dc_ratios").forEach(n -> ratios.add(n.asDouble()));
    UniPcSettings plain = new UniPcSettings(cfg.has("solver_order") ? cfg.get("solver_order").asInt() : 2,
        UniPcSettings.Variant.parse("solver_type", cfg.has("solver_type") ? cfg.get("solver_type").asText() : "bh2"),
        true, List.of());
    UniPcSettings dc = plain.withCompensation(new DynamicCompensation(
        cfg.has("dc_order") ? cfg.get("dc_order").asInt() : 2, ratios));
    Denoiser model = GOLDEN.model(PredictionType.EPSILON);
    double[] onRecorded = GOLDEN.run(new UniPc(new TimeGrid(recorded), dc), model).samples();
    double[] onOwn = GOLDEN.run(new UniPc(own, dc), model).samples();
    double[] withoutDc = GOLDEN.run(new UniPc(new TimeGrid(recorded), plain), model).samples();
    double[][] expected = Goldens.matrix(c.get("samples"));
    double moved = 0;
    for (int r = 0; r < expected.length; r++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[r][i], onRecorded[3 * r + i], 1e-5, label + ": row " + r + " coordinate " + i);
        assertEquals(expected[r][i], onOwn[3 * r + i], 5e-4, label + ": own grid, row " + r + " coordinate " + i);
        moved = Math.max(moved, Math.abs(expected[r][i] - withoutDc[3 * r + i]));
      }
    }
    boolean allOne = ratios.stream().allMatch(x -> x == 1.0);
    assertTrue(allOne ? moved < 1e-12 : moved > 1e-3, label + ": compensation moves the samples by " + moved);
  }

  @Test
  void lagrangeInterpolationReproducesAQuadraticAndRatioOneIsTheNewest() {
    double[] times = {600, 800, 950}; // newest first
    double[][] p = new double[3][1];
    for (int k = 0; k < 3; k++) {
      p[k][0] = 2 - 0.01 * times[k] + 3e-5 * times[k] * times[k];
    }
    double rho = 1.3; // t' = 1.3 (600 - 800) + 800 = 540
    double expected = 2 - 0.01 * 540 + 3e-5 * 540 * 540;
    assertArrayEquals(new double[] {expected}, DynamicCompensation.interpolate(p, times, 3, rho), 1e-12);
    assertArrayEquals(p[0], DynamicCompensation.interpolate(p, times, 3, 1.0), 1e-12);
    assertArrayEquals(p[1], DynamicCompensation.interpolate(p, times, 3, 0.0), 1e-12);
  }

  @Test
  void badRatiosAreNamed() {
    ConfigException early = assertThrows(ConfigException.class,
        () -> new DynamicCompensation(2, List.of(1.0, 0.9, 1.0)));
    assertTrue(early.getMessage().contains("parameter 'dc_ratios' must be 1 at steps 0 .. 1"), early.getMessage());
    ConfigException count = assertThrows(ConfigException.class, () -> new UniPc(TimeGrid.diffusers(
        new DiscreteVpSchedule(BetaSchedule.LINEAR, 1000, 1e-4, 0.02), DiffusersSpacing.LINSPACE, 5, 0,
        FinalSigma.ZERO), UniPcSettings.DIFFUSERS.withCompensation(new DynamicCompensation(2, List.of(1.0, 1.0, 0.9)))));
    assertTrue(count.getMessage().contains("parameter 'dc_ratios' must hold one ratio per solver step (5)"),
        count.getMessage());
    assertThrows(ConfigException.class, () -> new DynamicCompensation(4, List.of()));
    assertThrows(ConfigException.class, () -> new DynamicCompensation(2, List.of(1.0, 1.0, Double.NaN)));
  }
}
