package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stochastic EDM sampling ({@link EdmChurn}, {@link EdmSolver}):
 * <ul>
 *   <li>Euler with churn against diffusers' own {@code EulerDiscreteScheduler.step(s_churn, s_tmin, s_tmax,
 *       s_noise)}, run in float64 behind stubs by {@code make_churn_golden.py} with its step noise replayed:
 *       Karras and interpolated linspace / leading / trailing sigmas, final sigma zero and sigma_min, the three
 *       prediction types, windows that churn all, some or two of the steps, gamma at its cap (s_churn 80). Grids
 *       to 1e-9 relative, samples to 1e-5, the same run without churn to 1e-5, and the churn moves them by more
 *       than 1e-2;</li>
 *   <li>s_churn = 0 (or a window no grid sigma falls in) is bit for bit the deterministic solver;</li>
 *   <li>Heun with churn (EDM algorithm 2; s_churn 40 so gamma is capped at every step) samples the exact 2-D GMM
 *       of {@link DdimLawTest}: MMD permutation test 600 v 600, 200 permutations, level 0.01, not rejected;
 *       measured MMD^2 0.0006 against the threshold 0.0046; power: the same test rejects s_noise 2 (0.027 against 0.0045;
 *       s_noise 0.5 and 0 are rejected too, 0.021 and 0.50);</li>
 *   <li>a sample does not depend on its batch, and the churn noise comes from the keyed draws;</li>
 *   <li>the off-grid model time of each grid family returns the grid's own times at its sigmas;</li>
 *   <li>bad churn settings are refused naming the key.</li>
 * </ul>
 */
class EdmChurnTest {
  private static final Goldens GOLDEN = Goldens.load("euler_churn_golden.json");

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

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("cases")
  void eulerMatchesDiffusers(JsonNode c) {
    boolean karras = c.get("karras").asBoolean();
    int steps = c.get("steps").asInt();
    DiscreteVpSchedule schedule = schedule(c.get("beta_schedule").asText());
    FinalSigma last = FinalSigma.parse("final_sigmas_type", c.get("final_sigmas_type").asText());
    TimestepSpacing spacing = karras ? TimestepSpacing.KARRAS : TimestepSpacing.parse("spacing", c.get("spacing").asText());
    TimeGrid grid = karras ? KarrasSigmas.eulerDiscrete(schedule, steps, last)
        : InterpolatedSigmas.eulerDiscrete(schedule, spacing.diffusers(), steps, c.get("steps_offset").asInt(), last, false);
    String label = c.get("beta_schedule").asText() + " " + spacing.id() + " " + last.id() + " steps " + steps + " "
        + c.get("prediction_type").asText() + " churn " + c.get("s_churn") + " [" + c.get("s_tmin") + ", "
        + c.get("s_tmax") + "] noise " + c.get("s_noise");
    double[] sigmas = Goldens.vector(c.get("grid_sigmas"));
    assertEquals(sigmas.length - 1, grid.steps(), label);
    for (int i = 0; i < sigmas.length; i++) {
      assertEquals(sigmas[i], EdmSolver.veSigma(grid.level(i)), 1e-9 * Math.max(1, sigmas[i]), label + ": sigma " + i);
    }
    EdmChurn churn = new EdmChurn(c.get("s_churn").asDouble(), c.get("s_tmin").asDouble(),
        c.get("s_tmax").asText().equals("inf") ? Double.POSITIVE_INFINITY : c.get("s_tmax").asDouble(),
        c.get("s_noise").asDouble());
    int churned = 0;
    for (int i = 0; i < steps; i++) {
      churned += churn.gamma(sigmas[i], steps) > 0 ? 1 : 0;
    }
    assertEquals(c.get("churned").size(), churned, label + ": churned steps");
    Denoiser model = GOLDEN.model(PredictionType.parse("prediction_type", c.get("prediction_type").asText()));
    EdmSolver solver = new EdmSolver(grid, EdmSettings.EULER.withChurn(churn),
        SigmaModelTime.of(schedule, spacing));
    JsonNode noise = c.get("noise");
    SampleBatch out = solver.run(model, GOLDEN.xT(), GOLDEN.rows(), (step, z) -> {
      double[] m = Goldens.flat(noise.get(step));
      System.arraycopy(m, 0, z, 0, m.length);
    });
    assertEquals(c.get("model_calls").asInt(), out.modelCalls(), label + ": model calls");
    Goldens.assertSamples(c.get("samples"), out.samples(), 1e-5, label);
    double[] plain = GOLDEN.run(new EdmSolver(grid, EdmSettings.EULER), model).samples();
    Goldens.assertSamples(c.get("deterministic"), plain, 1e-5, label + " without churn");
    double moved = 0;
    for (int j = 0; j < plain.length; j++) {
      moved = Math.max(moved, Math.abs(plain[j] - out.samples()[j]));
    }
    assertTrue(moved > 1e-2, label + ": the churn must move the samples (moved " + moved + ")");
  }

  private static SolverSpec spec(SolverKind kind, TimestepSpacing spacing, int steps, EdmChurn churn) {
    EdmSettings base = kind == SolverKind.HEUN ? EdmSettings.HEUN : EdmSettings.EULER;
    return new SolverSpec(ScheduleSpec.DIFFUSERS, spacing, FinalSigma.ZERO, spacing.diffusers() != null ? 1 : 0, kind,
        steps, base.withChurn(churn));
  }

  @Test
  void noChurnIsTheDeterministicSolverBitForBit() {
    Denoiser model = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.V);
    GaussianDraws draws = new GaussianDraws(3);
    SampleKey[] keys = DdimLawTest.keys(5, 10);
    for (SolverKind kind : new SolverKind[] {SolverKind.EULER, SolverKind.HEUN}) {
      for (TimestepSpacing spacing : new TimestepSpacing[] {TimestepSpacing.KARRAS, TimestepSpacing.LEADING,
          TimestepSpacing.LOGSNR}) {
        double[] plain = spec(kind, spacing, 9, EdmChurn.OFF).build().sample(model, keys, draws).samples();
        double[] zero = spec(kind, spacing, 9, new EdmChurn(0.0, 0.1, 5.0, 1.7)).build().sample(model, keys, draws)
            .samples();
        double[] outside = spec(kind, spacing, 9, new EdmChurn(30.0, 500.0, 600.0, 1.0)).build()
            .sample(model, keys, draws).samples();
        double[] on = spec(kind, spacing, 9, new EdmChurn(30.0, 0.0, Double.POSITIVE_INFINITY, 1.0)).build()
            .sample(model, keys, draws).samples();
        String label = kind.id() + " " + spacing.id();
        assertArrayEquals(plain, zero, 0.0, label + ": s_churn 0");
        assertArrayEquals(plain, outside, 0.0, label + ": no sigma in [s_tmin, s_tmax]");
        assertFalse(Arrays.equals(plain, on), label + ": churn on");
      }
    }
    assertEquals(false, spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 9, EdmChurn.OFF).describe().containsKey("s_churn"));
    assertEquals(40.0, spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 9, new EdmChurn(40, 0, 1, 1)).describe()
        .get("s_churn"));
  }

  @Test
  void heunWithChurnSamplesTheExactLawAndRejectsAWrongNoiseScale() {
    int n = 600;
    GaussianMixture prior = DdimLawTest.prior();
    GaussianDraws draws = new GaussianDraws(2031);
    Denoiser exact = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    double[] reference = draws.exactSamples(prior, DdimLawTest.keys(n, 1_000_000));
    SampleKey[] keys = DdimLawTest.keys(n, 0);
    // s_churn 40 over 18 steps: gamma = sqrt(2) - 1 (its cap) at every step, the strongest churn
    double[] good = spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 18, new EdmChurn(40.0, 0.0, Double.POSITIVE_INFINITY,
        1.0)).build().sample(exact, keys, draws).samples();
    SampleDistance.MmdTest ok = SampleDistance.mmd(good, reference, 2, 200, 0.01, 13);
    assertFalse(ok.rejects(), "Heun with churn against exact GMM draws: " + ok);
    double[] loud = spec(SolverKind.HEUN, TimestepSpacing.KARRAS, 18, new EdmChurn(40.0, 0.0, Double.POSITIVE_INFINITY,
        2.0)).build().sample(exact, keys, draws).samples();
    SampleDistance.MmdTest power = SampleDistance.mmd(loud, reference, 2, 200, 0.01, 13);
    assertTrue(power.rejects(), "s_noise 2 (twice the churn noise) must be rejected: " + power);
  }

  @Test
  void samplesDoNotDependOnTheirBatch() {
    Denoiser exact = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.SAMPLE);
    GaussianDraws draws = new GaussianDraws(5);
    SampleKey[] batch = DdimLawTest.keys(7, 40);
    for (SolverKind kind : new SolverKind[] {SolverKind.EULER, SolverKind.HEUN}) {
      GaussianSolver s = spec(kind, TimestepSpacing.TRAILING, 12, new EdmChurn(3.0, 0.05, 50.0, 1.0)).build();
      SampleBatch all = s.sample(exact, batch, draws);
      assertEquals(s.modelCalls(), all.modelCalls());
      SampleBatch alone = s.sample(exact, new SampleKey[] {batch[4]}, draws);
      assertArrayEquals(all.row(4), alone.row(0), 0.0, kind.id() + ": a sample must not depend on its batch");
      double[] xT = draws.initialNoise(batch, 2);
      assertFalse(Arrays.equals(s.run(exact, xT, batch, draws).samples(),
          s.run(exact, xT, batch, new GaussianDraws(6)).samples()), kind.id() + ": the churn noise must be keyed");
      assertFalse(Arrays.equals(alone.row(0), s.sample(exact, new SampleKey[] {new SampleKey(44, 1)}, draws).row(0)),
          kind.id() + ": another sample index gives another sample");
    }
  }

  @Test
  void offGridModelTimesAgreeWithTheGridAtItsSigmas() {
    DiscreteVpSchedule cosine = new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02);
    for (TimestepSpacing spacing : new TimestepSpacing[] {TimestepSpacing.KARRAS, TimestepSpacing.LINSPACE,
        TimestepSpacing.LEADING, TimestepSpacing.TRAILING, TimestepSpacing.LOGSNR, TimestepSpacing.TIME_UNIFORM}) {
      for (ScheduleSpec schedule : new ScheduleSpec[] {ScheduleSpec.DIFFUSERS, ScheduleSpec.EDM}) {
        if (schedule.kind() == ScheduleSpec.Kind.EDM && spacing.diffusers() != null) {
          continue;
        }
        SolverSpec spec = new SolverSpec(schedule, spacing, FinalSigma.ZERO, 0, SolverKind.HEUN, 7, EdmSettings.HEUN);
        TimeGrid grid = spec.timeGrid();
        SigmaModelTime time = SigmaModelTime.of(schedule.build(), spacing);
        SigmaModelTime along = SigmaModelTime.alongGrid(grid);
        for (int i = 0; i < grid.steps(); i++) {
          if (grid.level(i).sigma() == 0) {
            continue;
          }
          double s = EdmSolver.veSigma(grid.level(i));
          String label = schedule.kind().id() + " " + spacing.id() + " level " + i;
          assertEquals(grid.level(i).modelTime(), time.at(s), 1e-6 * Math.max(1, s), label);
          assertEquals(grid.level(i).modelTime(), along.at(s), 1e-9 * Math.max(1, s), label + " along the grid");
        }
        double top = EdmSolver.veSigma(grid.level(0)) * 1.4;
        String label = schedule.kind().id() + " " + spacing.id() + " above level 0";
        if (schedule.kind() == ScheduleSpec.Kind.EDM) {
          assertEquals(top, time.at(top), 1e-9 * top, label + ": the sigma itself");
        } else {
          double t = time.at(top);
          assertTrue(t >= grid.level(0).modelTime() && t <= 999.0, label + ": " + t);
        }
      }
    }
    assertTrue(SigmaModelTime.of(cosine, TimestepSpacing.KARRAS).at(1e9) == 999.0, "clamped at T - 1");
  }

  @Test
  void badChurnIsRefusedNamingTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> new EdmChurn(-1, 0, 1, 1)).getMessage()
        .startsWith("parameter 's_churn'"));
    assertTrue(assertThrows(ConfigException.class, () -> new EdmChurn(1, -0.5, 1, 1)).getMessage()
        .startsWith("parameter 's_tmin'"));
    ConfigException order = assertThrows(ConfigException.class, () -> new EdmChurn(1, 2, 1, 1));
    assertTrue(order.getMessage().startsWith("parameter 's_tmin'") && order.getMessage().contains("s_tmax"),
        order.getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> new EdmChurn(1, 0, Double.NaN, 1)).getMessage()
        .startsWith("parameter 's_tmax'"));
    assertTrue(assertThrows(ConfigException.class, () -> new EdmChurn(1, 0, 1, -1)).getMessage()
        .startsWith("parameter 's_noise'"));
    assertTrue(assertThrows(ConfigException.class, () -> new EdmChurn(Double.POSITIVE_INFINITY, 0, 1, 1)).getMessage()
        .startsWith("parameter 's_churn'"));
    assertEquals(Math.sqrt(2) - 1, new EdmChurn(100, 0, 1, 1).gamma(0.5, 10), 0.0);
    assertEquals(0.3, new EdmChurn(3, 0, 1, 1).gamma(1.0, 10), 1e-15);
    assertEquals(0.0, new EdmChurn(3, 0, 1, 1).gamma(1.0 + 1e-12, 10), 0.0);
  }
}
