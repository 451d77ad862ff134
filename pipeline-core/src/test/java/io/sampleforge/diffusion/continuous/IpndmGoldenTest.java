package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories of diffusers' {@code IPNDMScheduler} (made by {@code
 * src/test/resources/continuous/make_ipndm_golden.py}, float64) on the exact 3-component GMM denoiser
 * returning v. Per case: {@link Ipndm#diffusersGrid} has diffusers' timesteps (as model times), betas (sigma)
 * and alphas; the run makes N calls and ends at diffusers' samples to 1e-12 (measured: 3e-15); the same
 * exact model declared as epsilon or sample gives the same samples (the noise prediction is the same
 * number; at the pure-noise first level it is x itself).
 */
class IpndmGoldenTest {
  private static final Goldens GOLDEN = Goldens.load("ipndm_golden.json");

  static Stream<JsonNode> cases() {
    return GOLDEN.cases();
  }

  @ParameterizedTest(name = "{index}: steps {0}")
  @MethodSource("cases")
  void matchesDiffusers(JsonNode c) {
    int steps = c.get("steps").asInt();
    String label = "ipndm steps " + steps;
    TimeGrid grid = Ipndm.diffusersGrid(steps);
    double[] ts = Goldens.vector(c.get("timesteps"));
    double[] betas = Goldens.vector(c.get("betas"));
    double[] alphas = Goldens.vector(c.get("alphas"));
    assertEquals(steps, ts.length, label + ": timesteps");
    for (int i = 0; i <= steps; i++) {
      NoiseLevel l = grid.level(i);
      if (i < steps) {
        assertEquals(ts[i], l.modelTime(), 1e-12, label + ": model time " + i);
      }
      assertEquals(betas[i], l.sigma(), 1e-12, label + ": sigma " + i);
      assertEquals(alphas[i], l.alpha(), 1e-12, label + ": alpha " + i);
    }
    Ipndm solver = new Ipndm(grid, IpndmSettings.DIFFUSERS);
    assertEquals(steps, solver.modelCalls(), label + ": declared calls");
    assertEquals(c.get("model_calls").asInt(), steps, label + ": diffusers' calls");
    for (PredictionType type : PredictionType.values()) {
      SampleBatch out = GOLDEN.run(solver, GOLDEN.model(type));
      assertEquals(steps, out.modelCalls(), label + ": model calls");
      Goldens.assertSamples(c.get("samples"), out.samples(), 1e-12, label + " " + type);
    }
  }

  @Test
  void ordersWarmUpToFour() {
    assertArrayEquals(new int[] {1, 2, 3, 4, 4, 4},
        new Ipndm(Ipndm.diffusersGrid(6), IpndmSettings.DIFFUSERS).orders());
  }

  /**
   * diffusers' first step from pure noise keeps no x0: x_1 = (x_T - 1 x_T) / 1e-8 alpha_1 + sigma_1 x_T = sigma_1
   * x_T, whatever the model says (so, unlike DDIM, a point mass is not reached exactly).
   */
  @Test
  void firstStepIsSigmaTimesNoise() {
    TimeGrid grid = Ipndm.diffusersGrid(3);
    double[] xT = GOLDEN.xT();
    double[] x1 = Ipndm.step(xT, new double[][] {xT}, 1, grid.level(0), grid.level(1));
    for (int j = 0; j < xT.length; j++) {
      assertEquals(grid.level(1).sigma() * xT[j], x1[j], 1e-15, "coordinate " + j);
    }
  }
}
