package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * SDE-DPM-Solver++ 2M (midpoint, diffusers' defaults) at 50 steps on diffusers' linspace grid of the
 * default linear schedule, ending at sigma = 0, with the exact denoiser of DdimLawTest's 2-D GMM: its
 * samples pass the same MMD permutation test (600 v 600, 200 permutations, level 0.01) against exact
 * prior draws (measured MMD^2 0.0003, threshold 0.005). Power: the same test rejects (a) a model that
 * reads its timestep under the cosine schedule (0.027 against 0.004) and (b) the same solver with its
 * step noise replaced by zeros (0.51: the SDE coefficients without the noise contract the samples).
 * First order is checked against diffusers by {@link DiffusersGoldenTest}. Also: a sample does not depend on its batch, seeds and
 * sample indices change it, and order 4 (and 3M for SMC motion) is refused naming {@code solver_order}.
 */
class SdeDpmSolverLawTest {
  private static final int N = 600;

  private static SdeDpmSolverPlusPlus solver(int steps, SdeDpmSolverSettings settings) {
    return new SdeDpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE,
        steps, 0, FinalSigma.ZERO), settings);
  }

  @Test
  void matchesTheExactLawAndRejectsAWrongScheduleOrMissingNoise() {
    GaussianMixture prior = DdimLawTest.prior();
    GaussianDraws draws = new GaussianDraws(2027);
    Denoiser exact = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    double[] reference = draws.exactSamples(prior, DdimLawTest.keys(N, 1_000_000));
    SampleKey[] keys = DdimLawTest.keys(N, 0);

    SdeDpmSolverPlusPlus twoM = solver(50, SdeDpmSolverSettings.DIFFUSERS);
    SampleDistance.MmdTest good = SampleDistance.mmd(twoM.sample(exact, keys, draws).samples(), reference, 2, 200, 0.01, 11);
    assertFalse(good.rejects(), "SDE-DPM-Solver++ 2M against exact GMM draws: " + good);

    Denoiser wrong = new DdimLawTest.WrongSchedule(exact,
        new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02));
    SampleDistance.MmdTest power = SampleDistance.mmd(twoM.sample(wrong, keys, draws).samples(), reference, 2, 200, 0.01, 11);
    assertTrue(power.rejects(), "a wrong schedule must be rejected: " + power);

    double[] xT = draws.initialNoise(keys, 2);
    double[] noNoise = twoM.run(exact, xT, keys.length, (step, z) -> Arrays.fill(z, 0.0)).samples();
    SampleDistance.MmdTest power2 = SampleDistance.mmd(noNoise, reference, 2, 200, 0.01, 11);
    assertTrue(power2.rejects(), "the SDE step without its noise must be rejected: " + power2);
  }

  /**
   * The noise-prediction SDE solver (sde-dpmsolver 2M, diffusers' defaults otherwise, grid ending at sigma_min)
   * passes the same MMD test, and fails it without its step noise (power). Its z is sde-dpmsolver++'s keyed draw
   * ({@code StepNoise.keyed}: seed, row key, sample index, step), so a sample does not depend on its batch.
   */
  @Test
  void noisePredictionSdeMatchesTheExactLaw() {
    GaussianMixture prior = DdimLawTest.prior();
    GaussianDraws draws = new GaussianDraws(2027);
    Denoiser exact = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    double[] reference = draws.exactSamples(prior, DdimLawTest.keys(N, 1_000_000));
    SampleKey[] keys = DdimLawTest.keys(N, 0);
    SdeDpmSolverPlusPlus twoM = new SdeDpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
        DiffusersSpacing.LINSPACE, 50, 0, FinalSigma.SIGMA_MIN), SdeDpmSolverSettings.DIFFUSERS,
        DpmAlgorithm.NOISE_PREDICTION);
    SampleDistance.MmdTest good = SampleDistance.mmd(twoM.sample(exact, keys, draws).samples(), reference, 2, 200, 0.01, 11);
    assertFalse(good.rejects(), "sde-dpmsolver 2M against exact GMM draws: " + good);
    double[] xT = draws.initialNoise(keys, 2);
    double[] noNoise = twoM.run(exact, xT, keys.length, (step, z) -> Arrays.fill(z, 0.0)).samples();
    SampleDistance.MmdTest power = SampleDistance.mmd(noNoise, reference, 2, 200, 0.01, 11);
    assertTrue(power.rejects(), "sde-dpmsolver without its noise must be rejected: " + power);
    // the keyed noise: a sample alone equals the same sample in its batch, and another seed moves it
    SampleKey[] few = DdimLawTest.keys(5, 70);
    assertArrayEquals(twoM.sample(exact, few, draws).row(3), twoM.sample(exact, new SampleKey[] {few[3]}, draws).row(0),
        0.0, "a sample must not depend on its batch");
    assertFalse(Arrays.equals(twoM.run(exact, xT, keys, draws).samples(), twoM.run(exact, xT, keys,
        new GaussianDraws(6)).samples()), "the step noise must come from the keyed draws");
  }

  @Test
  void samplesDoNotDependOnTheirBatch() {
    Denoiser exact = new GaussianMixtureDenoiser(DdimLawTest.prior(), PredictionType.V);
    SdeDpmSolverPlusPlus s = solver(15, new SdeDpmSolverSettings(2, DpmSolverSettings.SolverType.HEUN, true, false));
    GaussianDraws draws = new GaussianDraws(5);
    SampleKey[] batch = DdimLawTest.keys(7, 40);
    SampleBatch all = s.sample(exact, batch, draws);
    assertEquals(15, all.modelCalls());
    SampleBatch alone = s.sample(exact, new SampleKey[] {batch[4]}, draws);
    assertArrayEquals(all.row(4), alone.row(0), 0.0, "a sample must not depend on its batch");
    assertFalse(Arrays.equals(alone.row(0), s.sample(exact, new SampleKey[] {batch[4]}, new GaussianDraws(6)).row(0)),
        "another seed gives another sample");
    assertFalse(Arrays.equals(alone.row(0), s.sample(exact, new SampleKey[] {new SampleKey(44, 1)}, draws).row(0)),
        "another sample index gives another sample");
    // the step noise is drawn: the same x_T with another seed's step noise ends elsewhere
    double[] xT = draws.initialNoise(batch, 2);
    assertFalse(Arrays.equals(s.run(exact, xT, batch, draws).samples(), s.run(exact, xT, batch, new GaussianDraws(6)).samples()),
        "the step noise must come from the keyed draws");
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new SdeDpmSolverSettings(4, DpmSolverSettings.SolverType.MIDPOINT, true, false));
    assertTrue(e.getMessage().contains("solver_order") && e.getMessage().contains("4"), e.getMessage());
    SdeDpmSolverSettings third = new SdeDpmSolverSettings(3, DpmSolverSettings.SolverType.MIDPOINT, true, false);
    assertTrue(assertThrows(ConfigException.class, () -> new FkcSettings(4, 1.0, false, third)).getMessage()
        .startsWith("parameter 'solver_order'"));
    assertTrue(assertThrows(ConfigException.class,
        () -> new SdeDpmSolverSettings(0, DpmSolverSettings.SolverType.MIDPOINT, true, false)).getMessage().contains("solver_order"));
    assertTrue(assertThrows(ConfigException.class, () -> new SdeDpmSolverSettings(2, null, true, false)).getMessage()
        .contains("solver_type"));
    assertTrue(assertThrows(ConfigException.class, () -> solver(1, SdeDpmSolverSettings.DIFFUSERS)).getMessage()
        .contains("steps"));
  }
}
