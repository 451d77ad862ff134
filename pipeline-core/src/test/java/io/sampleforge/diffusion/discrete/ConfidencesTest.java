package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The remasking confidences, tempering and the keyed Gumbel-argmax, against hand values and exact laws. */
class ConfidencesTest {
  /** p = (.5, .3, .2, mask 0): margin .2; sum p log(p + 1e-10) = -1.0296530 (by hand: .5 ln .5 + .3 ln .3 + .2 ln .2). */
  @Test
  void handValues() {
    double[] p = {0.5, 0.3, 0.2, 0};
    assertEquals(0.2, Confidences.margin(p), 1e-15);
    assertEquals(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2), Confidences.negativeEntropy(p), 1e-9);
    assertEquals(-1.0296530140645737, Confidences.negativeEntropy(p), 1e-9);
    assertEquals(0, Confidences.margin(new double[] {0.4, 0.4, 0.2}), 0);
    double[] t = p.clone();
    Confidences.temper(t, 0.5);
    assertArrayEquals(new double[] {0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38, 0}, t, 1e-12);
    assertArrayEquals(new int[] {2, 0, 3}, Confidences.topK(new double[] {0.5, 0.1, 0.9, 0.5}, new boolean[] {true, true, true, true}, 3),
        "descending, ties to the smaller index");
  }

  /**
   * The keyed Gumbel-argmax at T = 0.5 follows p^2 normalised = (.25, .09, .04)/.38, never the mask
   * or a zero entry (chi-square at N = 20,000); the plain law p is rejected (power).
   */
  @Test
  void gumbelArgmaxFollowsTheTemperedLaw() {
    DiffusionDraws draws = new DiffusionDraws(5);
    double[] p = {0.5, 0.3, 0.2, 0, 0.0};
    long[] counts = new long[3];
    for (int i = 0; i < 20_000; i++) {
      int v = draws.gumbelArgmax(new SequenceKey(i, 0), DiffusionDraws.counter(0, 0, DiffusionDraws.Kind.GUMBEL), p, 3, 0.5);
      assertTrue(v < 3, "drew " + v);
      counts[v]++;
    }
    ChiSquare fit = ChiSquare.of(counts, new double[] {0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38});
    assertTrue(fit.pValue() > 1e-3, fit.toString());
    assertTrue(ChiSquare.of(counts, new double[] {0.5, 0.3, 0.2}).pValue() < 1e-6);
  }
}
