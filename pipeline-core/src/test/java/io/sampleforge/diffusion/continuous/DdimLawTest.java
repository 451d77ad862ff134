package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * DDIM with eta = 1 (the DDPM posterior step) at 250 steps on the exact denoiser of a 2-D GMM: its
 * samples pass an MMD permutation test (level 0.01, fixed seeds) against exact draws from the prior,
 * and the same test rejects samples made with a wrong schedule (the model reads its time as the cosine
 * schedule's while the solver steps the linear one): the power check. Also: keyed noise makes a
 * sample independent of its batch, and sample() starts from the keyed x_T.
 */
class DdimLawTest {
  private static final int N = 600;

  static GaussianMixture prior() {
    return GaussianMixture.full(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
  }

  static SampleKey[] keys(int n, long base) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(base + i, 0);
    }
    return k;
  }

  /** The exact denoiser, but evaluated at the level the cosine schedule gives the model's timestep. */
  record WrongSchedule(Denoiser inner, DiscreteVpSchedule believed) implements Denoiser {
    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public PredictionType predictionType() {
      return inner.predictionType();
    }

    @Override
    public void predict(double[] x, NoiseLevel[] levels, double[] out) {
      NoiseLevel[] wrong = new NoiseLevel[levels.length];
      for (int r = 0; r < levels.length; r++) {
        wrong[r] = believed.level((int) levels[r].modelTime());
      }
      inner.predict(x, wrong, out);
    }
  }

  @Test
  void etaOneMatchesTheExactLawAndRejectsAWrongSchedule() {
    GaussianMixture prior = prior();
    DdimSolver solver = new DdimSolver(DdimPlan.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LEADING,
        250, 0, true), DdimSettings.unclipped(1.0));
    GaussianDraws draws = new GaussianDraws(2026);
    Denoiser exact = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    double[] sampled = solver.sample(exact, keys(N, 0), draws).samples();
    double[] reference = draws.exactSamples(prior, keys(N, 1_000_000));
    SampleDistance.MmdTest good = SampleDistance.mmd(sampled, reference, 2, 200, 0.01, 11);
    assertFalse(good.rejects(), "DDIM eta = 1 against exact GMM draws: " + good);

    Denoiser wrong = new WrongSchedule(exact, new DiscreteVpSchedule(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, 1e-4, 0.02));
    double[] bad = solver.sample(wrong, keys(N, 0), draws).samples();
    SampleDistance.MmdTest power = SampleDistance.mmd(bad, reference, 2, 200, 0.01, 11);
    assertTrue(power.rejects(), "a wrong schedule must be rejected: " + power);
  }

  @Test
  void samplesDoNotDependOnTheirBatchAndStartFromTheKeyedXt() {
    GaussianMixture prior = prior();
    Denoiser exact = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    DdimSolver solver = new DdimSolver(DdimPlan.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.TRAILING,
        20, 0, true), DdimSettings.unclipped(0.7));
    GaussianDraws draws = new GaussianDraws(5);
    SampleKey[] batch = keys(7, 40);
    SampleBatch all = solver.sample(exact, batch, draws);
    SampleBatch alone = solver.sample(exact, new SampleKey[] {batch[4]}, draws);
    assertArrayEquals(all.row(4), alone.row(0), 0.0, "a sample must not depend on its batch");
    SampleBatch otherSeed = solver.sample(exact, new SampleKey[] {batch[4]}, new GaussianDraws(6));
    assertFalse(java.util.Arrays.equals(alone.row(0), otherSeed.row(0)), "another seed gives another sample");
    SampleBatch otherIndex = solver.sample(exact, new SampleKey[] {new SampleKey(44, 1)}, draws);
    assertFalse(java.util.Arrays.equals(alone.row(0), otherIndex.row(0)), "another sample index gives another sample");
    // sample() starts from the keyed x_T (step 0 of the INITIAL kind, whatever the solver and its step count)
    double[] xT = draws.initialNoise(batch, 2);
    SampleBatch zeroSteps = new DpmSolverPlusPlus(TimeGrid.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 1),
        DpmSolverSettings.dpmSolver(1, DpmSolverSettings.SolverType.MIDPOINT)).run(exact, xT, batch, draws);
    assertArrayEquals(zeroSteps.samples(), new DpmSolverPlusPlus(TimeGrid.dpmSolver(LinearVpSchedule.DEFAULT, SkipType.LOGSNR, 1),
        DpmSolverSettings.dpmSolver(1, DpmSolverSettings.SolverType.MIDPOINT)).sample(exact, batch, draws).samples(), 0.0);
  }
}
