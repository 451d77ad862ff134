package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dream's top-p and top-k on the per-position distribution: the warped laws derived by hand, the
 * sampler's draws against the inverse CDF of those laws, a chi-square of draw frequencies, the
 * warped confidences, and top_p 1 / top_k off changing nothing.
 */
class DreamWarpersTest {
  /**
   * Ids 0..4 and the mask (id 5, last): p(1) = 1/2, p(3) = 1/4, p(0) = p(2) = 1/8 (a tie), p(4) = 0.
   * Sorted: 1, 3, then 0 and 2 (ties by ascending id); cumulative 1/2, 3/4, 7/8, 1, all exact in
   * binary.
   */
  static final double[] P = {0.125, 0.5, 0.125, 0.25, 0, 0};

  private static double[] warped(double[] p, double topP, int topK) {
    double[] q = p.clone();
    DreamWarpers.apply(q, p.length - 1, topP, topK);
    return q;
  }

  /**
   * By hand with Dream's rule (entry i is removed when the cumulative mass before it exceeds top_p):
   * top_p .4: 1/2 > .4 already, so only id 1. top_p .5: 1/2 is not > .5, 3/4 is, so ids 1 and 3
   * (2/3, 1/3); transformers' rule (keep mass >= top_p) would keep id 1 alone. top_p .75: 3/4 is not
   * > .75, 7/8 is, so three entries: ids 1, 3 and, of the tied 1/8s, id 0 (the smaller id): 4/7,
   * 2/7, 1/7. top_p .9: 7/8 <= .9, so all four. top_k 1: id 1; 2: ids 1, 3; 3: the third largest is
   * 1/8, tied by ids 0 and 2, both kept, so all four (ties at the k-th are kept). Together (top-p
   * first, then top-k on what it kept): top_p .75 + top_k 2 = ids 1, 3; top_p .75 + top_k 3 = ids 1,
   * 3, 0; top_p .9 + top_k 2 = ids 1, 3.
   */
  @Test
  void warpedLawsByHand() {
    double third = 1.0 / 3;
    double[] onlyOne = {0, 1, 0, 0, 0, 0};
    double[] oneAndThree = {0, 2 * third, 0, third, 0, 0};
    double[] threeKept = {1.0 / 7, 4.0 / 7, 0, 2.0 / 7, 0, 0};
    assertArrayEquals(onlyOne, warped(P, 0.4, 0), 1e-15);
    assertArrayEquals(oneAndThree, warped(P, 0.5, 0), 1e-15);
    assertArrayEquals(threeKept, warped(P, 0.75, 0), 1e-15);
    assertArrayEquals(P, warped(P, 0.9, 0), 1e-15);
    assertArrayEquals(P, warped(P, 1, 0), 0);
    assertArrayEquals(onlyOne, warped(P, 1, 1), 1e-15);
    assertArrayEquals(oneAndThree, warped(P, 1, 2), 1e-15);
    assertArrayEquals(P, warped(P, 1, 3), 1e-15);
    assertArrayEquals(P, warped(P, 1, 6), 1e-15);
    assertArrayEquals(oneAndThree, warped(P, 0.75, 2), 1e-15);
    assertArrayEquals(threeKept, warped(P, 0.75, 3), 1e-15);
    assertArrayEquals(oneAndThree, warped(P, 0.9, 2), 1e-15);
    // Ties go to the smaller id wherever the pair sits: here ids 2 and 4 tie, and id 2 is kept.
    double[] q = warped(new double[] {0, 0.5, 0.125, 0.25, 0.125, 0}, 0.75, 0);
    assertArrayEquals(new double[] {0, 4.0 / 7, 1.0 / 7, 2.0 / 7, 0, 0}, q, 1e-15);
  }

  /** A one-position denoiser with the given distribution (the mask last). */
  private static FixedDenoiser one(double[] p) {
    return new FixedDenoiser(new double[][] {p});
  }

  /** The index where the CDF of {@code law} first exceeds u (the sampler's inverse-CDF rule). */
  private static int inverse(double[] law, double u) {
    double c = 0;
    int last = -1;
    for (int v = 0; v < law.length; v++) {
      if (law[v] > 0) {
        c += law[v];
        last = v;
        if (c > u) {
          return v;
        }
      }
    }
    return last;
  }

  private static List<SequenceKey> keys(int n) {
    List<SequenceKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new SequenceKey(i, 0));
    }
    return keys;
  }

  /**
   * Dream origin with one step unmasks the one position at once, its value the inverse CDF of the
   * warped law at the keyed uniform of (step 0, position 0, VALUE): each of 2000 draws is checked
   * against the hand-derived law, for top-p, top-k, both, and temperature .5 with top_p .9. At T = .5
   * p_T is p^2 normalised: 8/11, 2/11, 1/22, 1/22; the cumulative 8/11 <= .9 < 10/11 keeps ids 1 and
   * 3 (4/5, 1/5), where top_p .9 on the untempered p keeps all four: the temperature comes first.
   */
  @Test
  void drawsFollowTheWarpedLawExactly() {
    long seed = 11;
    double[][] cases = {{1, 0.75, 0}, {1, 0.5, 0}, {1, 1, 2}, {1, 0.75, 3}, {0.5, 0.9, 0}};
    double[][] laws = {{1.0 / 7, 4.0 / 7, 0, 2.0 / 7, 0, 0}, {0, 2.0 / 3, 0, 1.0 / 3, 0, 0},
        {0, 2.0 / 3, 0, 1.0 / 3, 0, 0}, {1.0 / 7, 4.0 / 7, 0, 2.0 / 7, 0, 0}, {0, 0.8, 0, 0.2, 0, 0}};
    int n = 2000;
    List<SequenceKey> keys = keys(n);
    FixedDenoiser model = one(P);
    DiffusionDraws draws = new DiffusionDraws(seed);
    for (int c = 0; c < cases.length; c++) {
      DreamSettings s = new DreamSettings(1, 1e-3, DreamAlgorithm.ORIGIN, 0, cases[c][0], cases[c][1], (int) cases[c][2]);
      List<DiffusionSample> out = new DreamSampler(s, seed).sample(model, keys, MaskedDenoiser.allMasked(model, n, 1));
      for (int i = 0; i < n; i++) {
        double u = draws.stream(keys.get(i)).uniform(DiffusionDraws.counter(0, 0, Kind.VALUE));
        assertEquals(inverse(laws[c], u), out.get(i).tokens()[0], "case " + c + " key " + i + " u " + u);
      }
    }
  }

  /**
   * Frequencies of 20000 draws (seed 5) at T = 1, top_p .75 against 1/7, 4/7, 0, 2/7, 0: a chi-square
   * on 2 dof must not reject at 1e-3, and ids 2 and 4 (probability 0) never appear (the test's
   * pooled zero cell would make the statistic infinite).
   */
  @Test
  void drawFrequenciesPassChiSquare() {
    int n = 20000;
    FixedDenoiser model = one(P);
    DreamSettings s = new DreamSettings(1, 1e-3, DreamAlgorithm.ORIGIN, 0, 1, 0.75, 0);
    List<DiffusionSample> out = new DreamSampler(s, 5).sample(model, keys(n), MaskedDenoiser.allMasked(model, n, 1));
    long[] counts = new long[6];
    for (DiffusionSample d : out) {
      counts[d.tokens()[0]]++;
    }
    assertEquals(0, counts[2] + counts[4] + counts[5], "removed ids drawn: " + java.util.Arrays.toString(counts));
    ChiSquare x = ChiSquare.of(counts, new double[] {1.0 / 7, 4.0 / 7, 0, 2.0 / 7, 0, 0});
    assertTrue(x.pValue() > 1e-3, x.toString());
  }

  /**
   * maskgit_plus at T = 0 reads the warped top probability. Positions A = (.5, .25, .25), B = (.45,
   * .3, .25), C uniform over 4; length 3 and steps 2 commit int(3 (1 - .5005)) = 1 position first.
   * Unwarped the confidences are .5, .45, .25: A goes first. With top_k 2, A's tied .25s are both kept
   * (.5 stays), B becomes (.6, .4) and C stays .25: B goes first. The values stay the argmax (id 0).
   */
  @Test
  void confidencesReadTheWarpedLaw() {
    FixedDenoiser fixed = new FixedDenoiser(new double[][] {{0.5, 0.25, 0.25, 0, 0}, {0.45, 0.3, 0.25, 0, 0},
        {0.25, 0.25, 0.25, 0.25, 0}});
    int[] firstCommitted = new int[2];
    for (int topK = 0; topK <= 2; topK += 2) {
      RecordingDenoiser model = new RecordingDenoiser(fixed);
      DreamSettings s = new DreamSettings(2, 1e-3, DreamAlgorithm.MASKGIT_PLUS, 0, 0, 1, topK);
      assertEquals(1, s.transferCount(3, 0));
      DiffusionSample out = new DreamSampler(s, 3).sample(model, keys(1), MaskedDenoiser.allMasked(model, 1, 3)).get(0);
      assertArrayEquals(new int[] {0, 0, 0}, out.tokens());
      int[] second = model.inputs.get(1)[0];
      int committed = -1;
      for (int l = 0; l < 3; l++) {
        if (second[l] != model.maskId()) {
          assertEquals(-1, committed, "one position committed in step 0");
          committed = l;
        }
      }
      firstCommitted[topK / 2] = committed;
    }
    assertArrayEquals(new int[] {0, 1}, firstCommitted, "first position committed without / with top_k 2");
  }

  /**
   * top_p 1 and top_k off are the unwarped sampler (same tokens), and so is top_k = V, which runs
   * the warper but removes nothing, on the Markov chain for every alg at T = 1.
   */
  @Test
  void offMeansUnwarped() {
    MarkovChainDenoiser chain = DreamSamplerTest.chain(8);
    int n = 40;
    for (DreamAlgorithm alg : DreamAlgorithm.values()) {
      DreamSettings base = new DreamSettings(4, 1e-3, alg, 0, 1);
      List<DiffusionSample> plain = new DreamSampler(base, 9).sample(chain, keys(n), MaskedDenoiser.allMasked(chain, n, 8));
      for (int topK : new int[] {0, chain.vocabularySize()}) {
        DreamSettings off = new DreamSettings(4, 1e-3, alg, 0, 1, 1.0, topK);
        assertEquals(topK > 0, off.warps());
        List<DiffusionSample> same = new DreamSampler(off, 9).sample(chain, keys(n), MaskedDenoiser.allMasked(chain, n, 8));
        for (int i = 0; i < n; i++) {
          assertArrayEquals(plain.get(i).tokens(), same.get(i).tokens(), alg.id() + " top_k " + topK + " row " + i);
        }
      }
    }
  }

  @Test
  void badValuesNameTheKey() {
    for (double topP : new double[] {0, -0.1, 1.5, Double.NaN}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> new DreamSettings(8, 1e-3, DreamAlgorithm.ORIGIN, 0, 1, topP, 0));
      assertTrue(e.getMessage().contains("'top_p'") && e.getMessage().contains("(0, 1]"), e.getMessage());
    }
    ConfigException k = assertThrows(ConfigException.class,
        () -> new DreamSettings(8, 1e-3, DreamAlgorithm.ORIGIN, 0, 1, 1, -1));
    assertTrue(k.getMessage().contains("'top_k'"), k.getMessage());
  }
}
