package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DynamicThresholding} against hand-derived values (torch.quantile's linear interpolation, the
 * clamp of s to [1, sample_max_value]), its refusals, and its place in the settings records and in
 * {@link SolverSpec#describe()}. The diffusers goldens are in {@link DynamicThresholdingGoldenTest}.
 */
class DynamicThresholdingTest {
  @Test
  void quantileClampAndScaleFollowTheRuleByHand() {
    // |row| sorted: 0.5, 1, 2, 3; ratio 0.5 -> rank 1.5 -> s = 1 + 0.5 (2 - 1) = 1.5 (within [1, 2])
    double[] x0 = {0.5, -3, 2, 1, /* row 2: s = quantile < 1 -> 1, unchanged */ 0.1, -0.2, 0.3, 0.05};
    DynamicThresholding.on(0.5, 2.0).apply(x0, 4);
    assertArrayEquals(new double[] {0.5 / 1.5, -1, 1, 1 / 1.5, 0.1, -0.2, 0.3, 0.05}, x0, 1e-15);
    // sample_max_value 1.2 caps s: clamp to +-1.2, divide by 1.2
    double[] capped = {0.5, -3, 2, 1};
    DynamicThresholding.on(0.5, 1.2).apply(capped, 4);
    assertArrayEquals(new double[] {0.5 / 1.2, -1, 1, 1 / 1.2}, capped, 1e-15);
    // ratio 0.995 on 3 values: rank 1.99 between the two largest (2 and 3) -> s = 2.99 (below the cap 10)
    double[] three = {3, -2, 0};
    DynamicThresholding.on(0.995, 10).apply(three, 3);
    assertArrayEquals(new double[] {1, -2 / 2.99, 0}, three, 1e-15);
    // the default sample_max_value 1 is plain clipping to [-1, 1]
    double[] clip = {3, -0.4, 0.7};
    DynamicThresholding.on(0.995, 1.0).apply(clip, 3);
    assertArrayEquals(new double[] {1, -0.4, 0.7}, clip, 0);
    // off: untouched
    double[] off = {3, -2, 0};
    DynamicThresholding.OFF.apply(off, 3);
    assertArrayEquals(new double[] {3, -2, 0}, off, 0);
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> DynamicThresholding.on(1.5, 1.0)).getMessage()
        .contains("'dynamic_thresholding_ratio'"));
    assertTrue(assertThrows(ConfigException.class, () -> DynamicThresholding.on(Double.NaN, 1.0)).getMessage()
        .contains("'dynamic_thresholding_ratio'"));
    assertTrue(assertThrows(ConfigException.class, () -> DynamicThresholding.on(0.995, 0.5)).getMessage()
        .contains("'sample_max_value' must be finite and >= 1"));
    assertTrue(assertThrows(ConfigException.class,
        () -> DynamicThresholding.on(0.995, Double.POSITIVE_INFINITY)).getMessage().contains("'sample_max_value'"));
    assertTrue(assertThrows(ConfigException.class, () -> new DdimSettings(0, false, 1, null)).getMessage()
        .contains("'thresholding'"));
  }

  @Test
  void theSettingsCarryItAndDescribeReportsItsKeys() throws Exception {
    DynamicThresholding th = DynamicThresholding.on(0.9, 1.5);
    assertEquals(DynamicThresholding.OFF, DdimSettings.DIFFUSERS.thresholding());
    assertEquals(DynamicThresholding.OFF, DpmSolverSettings.DIFFUSERS.thresholding());
    assertEquals(DynamicThresholding.OFF, UniPcSettings.DIFFUSERS.thresholding());
    assertEquals(DynamicThresholding.OFF, DeisSettings.DIFFUSERS.thresholding());
    assertEquals(DynamicThresholding.OFF, SdeDpmSolverSettings.DIFFUSERS.thresholding());
    assertEquals(DynamicThresholding.OFF, DpmSolverSinglestepSettings.DPM_SOLVER_2S.thresholding());
    SolverSpec spec = new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0,
        SolverKind.DPMSOLVER_PLUS_PLUS, 10, DpmSolverSettings.DIFFUSERS.withThresholding(th));
    Map<String, Object> d = spec.describe();
    assertEquals(true, d.get("thresholding"));
    assertEquals(0.9, d.get("dynamic_thresholding_ratio"));
    assertEquals(1.5, d.get("sample_max_value"));
    List<String> keys = List.copyOf(d.keySet());
    assertTrue(keys.indexOf("order_rule") + 1 == keys.indexOf("thresholding"), keys.toString());
    Map<String, Object> plain = new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LEADING, FinalSigma.ZERO, 0,
        SolverKind.DDIM, 10, DdimSettings.DIFFUSERS).describe();
    assertEquals(false, plain.get("thresholding"));
    assertEquals(0.995, plain.get("dynamic_thresholding_ratio"));
    assertEquals(1.0, plain.get("sample_max_value"));
    assertFalse(new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.KARRAS, FinalSigma.ZERO, 0, SolverKind.EULER, 10,
        EdmSettings.EULER).describe().containsKey("thresholding"), "Euler / Heun have no thresholding");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(spec, in.readObject());
    }
  }

  @Test
  void singlestepThresholdsBothCalls() {
    // a model whose x0 is 3 everywhere: thresholded with sample_max_value 1.5, every call's x0 becomes 1,
    // so a step onto... the end of dpm-solver's grid (sigma > 0) gives exactly the first-order map of D = 1
    GaussianMixture far = GaussianMixture.diagonal(new double[] {1}, new double[][] {{3, 3}}, new double[][] {{1e-12, 1e-12}});
    Denoiser model = new GaussianMixtureDenoiser(far, PredictionType.EPSILON);
    DpmSolverSinglestep solver = DpmSolverSinglestep.dpmSolver(DiscreteVpSchedule.diffusersDefault(), SkipType.LOGSNR,
        4, DpmSolverSinglestepSettings.DPM_SOLVER_2S.withThresholding(DynamicThresholding.on(0.995, 1.5)));
    GaussianDraws draws = new GaussianDraws(3);
    SampleKey[] keys = {new SampleKey(0, 0), new SampleKey(1, 0)};
    double[] xT = draws.initialNoise(keys, 2);
    double[] out = solver.run(model, xT, keys, draws).samples();
    // D = 1 at every call: x_t - alpha_t = (sigma_t / sigma_s)(x_s - alpha_s) along each step, the exact
    // flow of point-mass data at 1 (both the first and the second-order updates are exact for constant D)
    NoiseLevel first = solver.plan().steps().get(0).from();
    NoiseLevel last = solver.plan().steps().get(solver.plan().steps().size() - 1).to();
    for (int j = 0; j < out.length; j++) {
      double expected = last.alpha() + (last.sigma() / first.sigma()) * (xT[j] - first.alpha());
      assertEquals(expected, out[j], 1e-9, "coordinate " + j);
    }
  }
}
