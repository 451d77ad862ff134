package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Classifier-free guidance on the exact labelled mixture ({@link ClassMixtureDenoiser}): with scale 1 the
 * guided prediction is the conditional one and with scale 0 the unconditional one (to rounding, on
 * random points and levels); one guided call is one call of the conditional model on 2B rows; DPM-Solver++
 * with scale 1 draws class 1's mixture (MMD test against exact draws of it) and with scale 0 the marginal,
 * and the same test tells the two apart (power); scale 3 moves samples further into class 1 than scale 1
 * (mean distance to the other class grows).
 */
class ClassifierFreeGuidanceTest {
  private static ClassMixtureDenoiser model() {
    GaussianMixture a = GaussianMixture.full(new double[] {0.5, 0.5}, new double[][] {{-2.0, 0.0}, {-1.0, 1.5}},
        new double[][][] {{{0.3, 0.1}, {0.1, 0.2}}, {{0.2, 0.0}, {0.0, 0.2}}});
    GaussianMixture b = GaussianMixture.full(new double[] {1.0}, new double[][] {{1.0, 0.5}},
        new double[][][] {{{0.5, -0.2}, {-0.2, 0.4}}});
    return new ClassMixtureDenoiser(new double[] {0.6, 0.4}, List.of(a, b), PredictionType.EPSILON);
  }

  private static final class Counting implements ConditionalDenoiser {
    final ConditionalDenoiser inner;
    int calls;
    int rows;

    Counting(ConditionalDenoiser inner) {
      this.inner = inner;
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public int numClasses() {
      return inner.numClasses();
    }

    @Override
    public PredictionType predictionType() {
      return inner.predictionType();
    }

    @Override
    public void predict(double[] x, NoiseLevel[] levels, int[] labels, double[] out) {
      calls++;
      rows += levels.length;
      inner.predict(x, levels, labels, out);
    }
  }

  @Test
  void scaleOneIsConditionalScaleZeroUnconditionalAndOneCallPerStep() {
    ClassMixtureDenoiser m = model();
    DiscreteVpSchedule s = DiscreteVpSchedule.diffusersDefault();
    double[] x = {0.3, -0.7, 1.2, 0.4, -2.0, 0.1};
    NoiseLevel[] levels = {s.level(900), s.level(300), s.level(20)};
    int[] labels = {0, 1, 1};
    double[] cond = new double[6];
    m.predict(x, levels, labels, cond);
    double[] uncond = new double[6];
    m.predict(x, levels, new int[] {2, 2, 2}, uncond);
    double[] one = new double[6];
    ClassifierFreeGuidance.of(m, labels, 1.0).predict(x, levels, one);
    double[] zero = new double[6];
    ClassifierFreeGuidance.of(m, labels, 0.0).predict(x, levels, zero);
    for (int j = 0; j < 6; j++) {
      assertEquals(cond[j], one[j], 1e-12);
      assertEquals(uncond[j], zero[j], 1e-12);
    }
    Counting counting = new Counting(m);
    SampleKey[] keys = new SampleKey[5];
    for (int i = 0; i < 5; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(s, DiffusersSpacing.LINSPACE, 10, 0,
        FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    solver.sample(ClassifierFreeGuidance.of(counting, new int[] {1, 1, 0, 0, 1}, 2.0), keys, new GaussianDraws(1));
    assertEquals(10, counting.calls, "one model call per step");
    assertEquals(100, counting.rows, "2B rows per call");
    assertThrows(io.sampleforge.errors.ConfigException.class, () -> ClassifierFreeGuidance.of(m, labels, -1.0));
    assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.of(m, new int[] {3}, 1.0));
    assertThrows(IllegalArgumentException.class, () -> LabelledDenoiser.of(m, new int[] {-1}));
    // the null class K = 2 is the unconditional model at any scale; LabelledDenoiser is the conditional model
    double[] nullRows = new double[6];
    ClassifierFreeGuidance.of(m, new int[] {2, 2, 2}, 3.0).predict(x, levels, nullRows);
    double[] bound = new double[6];
    LabelledDenoiser.of(m, labels).predict(x, levels, bound);
    for (int j = 0; j < 6; j++) {
      assertEquals(uncond[j], nullRows[j], 1e-12);
      assertEquals(cond[j], bound[j], 0.0);
    }
  }

  @Test
  void guidedSamplesFollowTheClassAtScaleOneAndTheMarginalAtZero() {
    ClassMixtureDenoiser m = model();
    int n = 500;
    SampleKey[] keys = new SampleKey[n];
    SampleKey[] exactKeys = new SampleKey[n];
    int[] ones = new int[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new SampleKey(i, 0);
      exactKeys[i] = new SampleKey(1_000_000 + i, 0);
      ones[i] = 1;
    }
    GaussianDraws draws = new GaussianDraws(11);
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
        DiffusersSpacing.LINSPACE, 30, 0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    double[] classOne = draws.exactSamples(m.classMixture(1), exactKeys);
    double[] marginal = draws.exactSamples(m.marginal(), exactKeys);
    double[] w1 = solver.sample(ClassifierFreeGuidance.of(m, ones, 1.0), keys, draws).samples();
    double[] w0 = solver.sample(ClassifierFreeGuidance.of(m, ones, 0.0), keys, draws).samples();
    assertFalse(SampleDistance.mmd(w1, classOne, 2, 200, 0.01, 3).rejects(), "scale 1 v class 1");
    assertFalse(SampleDistance.mmd(w0, marginal, 2, 200, 0.01, 3).rejects(), "scale 0 v the marginal");
    SampleDistance.MmdTest power = SampleDistance.mmd(w1, marginal, 2, 200, 0.01, 3);
    assertTrue(power.rejects(), "scale 1 v the marginal: " + power);
    double[] w3 = solver.sample(ClassifierFreeGuidance.of(m, ones, 3.0), keys, draws).samples();
    assertTrue(meanX(w3) > meanX(w1) + 0.05, "scale 3 pushes further from class 0 (x < 0): " + meanX(w3) + " v "
        + meanX(w1));
  }

  private static double meanX(double[] rows) {
    double s = 0;
    for (int i = 0; i < rows.length; i += 2) {
      s += rows[i];
    }
    return s / (rows.length / 2);
  }
}
