package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * UniPC and DEIS settings by name, their defaults, the order of each step (hand-derived from diffusers'
 * {@code step}), and config errors that name the key, the rule and the value.
 */
class UniPcDeisSettingsTest {
  private static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.diffusersDefault();

  private static void assertConfigError(String key, String value, Runnable r) {
    ConfigException e = assertThrows(ConfigException.class, r::run);
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  private static TimeGrid grid(int n, FinalSigma last) {
    return TimeGrid.diffusers(SCHEDULE, DiffusersSpacing.LINSPACE, n, 0, last);
  }

  @Test
  void namesAndDefaults() {
    assertEquals(UniPcSettings.Variant.BH1, UniPcSettings.Variant.parse("solver_type", "bh1"));
    assertEquals(UniPcSettings.Variant.BH2, UniPcSettings.Variant.parse("solver_type", " BH2 "));
    assertEquals(new UniPcSettings(2, UniPcSettings.Variant.BH2, true, List.of()), UniPcSettings.DIFFUSERS);
    assertEquals(DeisSettings.Algorithm.DEIS, DeisSettings.Algorithm.parse("algorithm_type", "deis"));
    assertEquals(DeisSettings.Solver.LOGRHO, DeisSettings.Solver.parse("solver_type", "logrho"));
    assertEquals(DeisSettings.of(2, true), DeisSettings.DIFFUSERS);
    UniPcSettings s = new UniPcSettings(2, UniPcSettings.Variant.BH1, true, List.of(0, 3));
    assertFalse(s.corrects(0));
    assertTrue(s.corrects(1));
    assertFalse(s.corrects(3));
  }

  @Test
  void settingsAreImmutable() {
    List<Integer> steps = new ArrayList<>(List.of(1));
    UniPcSettings s = new UniPcSettings(2, UniPcSettings.Variant.BH2, true, steps);
    steps.add(2);
    assertEquals(List.of(1), s.disableCorrector());
    assertThrows(UnsupportedOperationException.class, () -> s.disableCorrector().add(3));
  }

  @Test
  void settingsSurviveJavaSerialisation() throws Exception {
    // a Spark task rebuilds the solver from its settings (as DdimSettings / DpmSolverSettings do)
    for (Object o : new Object[] {new UniPcSettings(3, UniPcSettings.Variant.BH1, false, List.of(0, 4)), DeisSettings.of(3, false)}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(o);
      }
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(o, in.readObject());
      }
    }
  }

  @Test
  void uniPcOrders() {
    // diffusers: min(solver_order, N - i) with lower_order_final (no 15-step threshold), then warm-up min(., i + 1)
    assertArrayEquals(new int[] {1, 2, 3, 2, 1}, new UniPc(grid(5, FinalSigma.SIGMA_MIN), UniPcSettings.of(3, UniPcSettings.Variant.BH2)).orders());
    assertArrayEquals(new int[] {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1},
        new UniPc(grid(20, FinalSigma.ZERO), UniPcSettings.DIFFUSERS).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3}, new UniPc(grid(5, FinalSigma.SIGMA_MIN),
        new UniPcSettings(3, UniPcSettings.Variant.BH1, false, List.of())).orders());
    // a step onto sigma = 0 is first order whatever lower_order_final says
    assertArrayEquals(new int[] {1, 2, 3, 3, 1}, new UniPc(grid(5, FinalSigma.ZERO),
        new UniPcSettings(3, UniPcSettings.Variant.BH1, false, List.of())).orders());
    assertEquals(5, new UniPc(grid(5, FinalSigma.ZERO), UniPcSettings.DIFFUSERS).modelCalls());
  }

  @Test
  void deisOrders() {
    // diffusers: with lower_order_final and N < 15 the last step is first order, the second-to-last at most second
    assertArrayEquals(new int[] {1, 2, 3, 3, 2, 1}, new Deis(grid(6, FinalSigma.SIGMA_MIN), DeisSettings.of(3, true)).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3}, new Deis(grid(6, FinalSigma.SIGMA_MIN), DeisSettings.of(3, false)).orders());
    int[] fifteen = new Deis(grid(15, FinalSigma.SIGMA_MIN), DeisSettings.of(3, true)).orders();
    assertEquals(3, fifteen[14]);
    int[] fourteen = new Deis(grid(14, FinalSigma.SIGMA_MIN), DeisSettings.of(3, true)).orders();
    assertEquals(2, fourteen[12]);
    assertEquals(1, fourteen[13]);
  }

  @Test
  void configErrorsNameTheKey() {
    assertConfigError("solver_order", "4", () -> UniPcSettings.of(4, UniPcSettings.Variant.BH2));
    assertConfigError("solver_order", "0", () -> DeisSettings.of(0, true));
    assertConfigError("solver_type", "null", () -> new UniPcSettings(2, null, true, List.of()));
    assertConfigError("solver_type", "bh3", () -> UniPcSettings.Variant.parse("solver_type", "bh3"));
    assertConfigError("disable_corrector", "-1", () -> new UniPcSettings(2, UniPcSettings.Variant.BH2, true, List.of(-1)));
    assertConfigError("disable_corrector", "null", () -> new UniPcSettings(2, UniPcSettings.Variant.BH2, true, null));
    // diffusers maps these names onto deis / logrho silently; here they are refused
    assertConfigError("algorithm_type", "dpmsolver++", () -> DeisSettings.Algorithm.parse("algorithm_type", "dpmsolver++"));
    assertConfigError("solver_type", "midpoint", () -> DeisSettings.Solver.parse("solver_type", "midpoint"));
    assertConfigError("steps", "2", () -> new UniPc(grid(2, FinalSigma.ZERO), UniPcSettings.of(3, UniPcSettings.Variant.BH1)));
    assertConfigError("steps", "1", () -> new Deis(grid(1, FinalSigma.SIGMA_MIN), DeisSettings.DIFFUSERS));
    assertConfigError("final_sigmas_type", "zero", () -> new Deis(grid(8, FinalSigma.ZERO), DeisSettings.DIFFUSERS));
    assertConfigError("timesteps", "null", () -> new UniPc(null, UniPcSettings.DIFFUSERS));
    assertConfigError("unipc", "null", () -> new UniPc(grid(3, FinalSigma.ZERO), null));
    assertConfigError("deis", "null", () -> new Deis(grid(3, FinalSigma.SIGMA_MIN), null));
  }
}
