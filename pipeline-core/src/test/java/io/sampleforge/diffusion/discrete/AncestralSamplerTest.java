package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MDLM ancestral sampler: its exact law, the cache and its hit counts, noise removal. */
class AncestralSamplerTest {
  static final int N = 30_000;

  /**
   * At MDLM's defaults (128 log-linear steps, eps 1e-5, cache, noise removal) the sampled sequences
   * follow the sampler's own exact law ({@link AncestralLaw}) at N = 30,000, and their distance to
   * the chain's law is measured: two of the 4 positions unmask in one step with probability about
   * 6/128, so the law is not the chain's. The test against the chain's law is asserted only while
   * that bias is invisible at this N (noncentrality N sum (q - p)^2 / p below 1, computed here);
   * otherwise the chain law is reported, not asserted. A 2-step sampler's law is far from the chain
   * and must be rejected by the same test (power).
   */
  @Test
  void samplesFollowTheExactAncestralLaw() {
    MarkovChainDenoiser model = FirstHittingLawTest.model();
    MarkovChain chain = model.chain();
    AncestralSettings settings = AncestralSettings.defaults();
    double[] exact = AncestralLaw.of(model, settings);
    double[] target = chain.sequenceLaw();
    double noncentrality = 0;
    double total = 0;
    for (int i = 0; i < target.length; i++) {
      noncentrality += N * (exact[i] - target[i]) * (exact[i] - target[i]) / target[i];
      total += exact[i];
    }
    assertEquals(1, total, 1e-9);
    List<DiffusionSample> samples = SamplerLaws.sample(new AncestralSampler(settings, 5), model, N, 500);
    long[] counts = SamplerLaws.sequenceCounts(chain, samples);
    ChiSquare own = ChiSquare.of(counts, exact);
    assertTrue(own.pValue() > 1e-3, "against the sampler's exact law: " + own);
    ChiSquare chainFit = ChiSquare.of(counts, target);
    System.out.println("ancestral 128 steps: " + own + "; against the chain law " + chainFit
        + "; noncentrality of the ancestral bias at N = " + N + ": " + noncentrality);
    // the bias is a factorisation error of same-step unmasking: it shrinks about 4x when the steps grow 4x
    double tv128 = totalVariation(exact, target);
    double tv512 = totalVariation(AncestralLaw.of(model, new AncestralSettings(512, MaskSchedule.LOG_LINEAR, 1e-5, true, true)),
        target);
    System.out.println("total variation to the chain law: 128 steps " + tv128 + ", 512 steps " + tv512);
    assertTrue(tv128 > 0 && tv512 < tv128 / 3 && tv512 > tv128 / 5, tv128 + " " + tv512);
    if (noncentrality < 1) {
      assertTrue(chainFit.pValue() > 1e-3, "against the chain law: " + chainFit);
    }
    List<DiffusionSample> coarse = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(2, MaskSchedule.LOG_LINEAR, 1e-5, true, true), 5), model, N, 500);
    ChiSquare coarseFit = ChiSquare.of(SamplerLaws.sequenceCounts(chain, coarse), target);
    assertTrue(coarseFit.pValue() < 1e-6, "a 2-step ancestral sampler must be rejected: " + coarseFit);
    ChiSquare coarseOwn = ChiSquare.of(SamplerLaws.sequenceCounts(chain, coarse),
        AncestralLaw.of(model, new AncestralSettings(2, MaskSchedule.LOG_LINEAR, 1e-5, true, true)));
    assertTrue(coarseOwn.pValue() > 1e-3, "the 2-step sampler follows its own exact law: " + coarseOwn);
  }

  static double totalVariation(double[] p, double[] q) {
    double tv = 0;
    for (int i = 0; i < p.length; i++) {
      tv += Math.abs(p[i] - q[i]);
    }
    return tv / 2;
  }

  /**
   * The cache changes no token (the chain is time-agnostic and deterministic, draws are keyed),
   * and each call it saves is counted: calls with cache + hits = calls without; a new call is made
   * only after a change, so at most L + 1 calls per sequence. A time-conditioned model is never
   * served from the cache.
   */
  @Test
  void cacheSavesCallsWithoutChangingTokens() {
    MarkovChainDenoiser model = FirstHittingLawTest.model();
    int n = 300;
    List<DiffusionSample> off = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(64, MaskSchedule.LOG_LINEAR, 1e-5, false, true), 3), model, n, 100);
    List<DiffusionSample> on = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(64, MaskSchedule.LOG_LINEAR, 1e-5, true, true), 3), model, n, 100);
    List<DiffusionSample> timed = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(64, MaskSchedule.LOG_LINEAR, 1e-5, true, true), 3),
        new TimeConditioned(model), 4, n, 100);
    long hits = 0;
    for (int i = 0; i < n; i++) {
      assertArrayEquals(off.get(i).tokens(), on.get(i).tokens());
      assertArrayEquals(off.get(i).tokens(), timed.get(i).tokens());
      assertEquals(0, off.get(i).cacheHits());
      assertEquals(off.get(i).modelCalls(), on.get(i).modelCalls() + on.get(i).cacheHits(), "sequence " + i);
      assertTrue(on.get(i).modelCalls() <= 5, "sequence " + i + " calls " + on.get(i).modelCalls());
      assertEquals(0, timed.get(i).cacheHits());
      assertEquals(off.get(i).modelCalls(), timed.get(i).modelCalls());
      hits += on.get(i).cacheHits();
    }
    assertTrue(hits > 20L * n, "64 steps and 4 tokens: most steps change nothing, hits " + hits);
  }

  /**
   * Noise removal: with a coarse grid (2 steps ending at eps = 0.5) masks are left over; with
   * noise removal the same keys give the same tokens where unmasked, and each leftover position
   * the argmax of its exact conditional given the final state.
   */
  @Test
  void noiseRemovalGivesLeftoverMasksTheirArgmax() {
    MarkovChainDenoiser model = FirstHittingLawTest.model();
    int n = 200;
    List<DiffusionSample> kept = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(2, MaskSchedule.LOG_LINEAR, 0.5, true, false), 9), model, n, 50);
    List<DiffusionSample> removed = SamplerLaws.sample(
        new AncestralSampler(new AncestralSettings(2, MaskSchedule.LOG_LINEAR, 0.5, true, true), 9), model, n, 50);
    int mask = model.maskId();
    int leftover = 0;
    double[] p = new double[model.vocabularySize()];
    for (int i = 0; i < n; i++) {
      int[] before = kept.get(i).tokens();
      int[] after = removed.get(i).tokens();
      assertEquals(0, removed.get(i).masked(mask));
      DenoiserOutput out = model.denoise(new int[][] {before}, new double[1]);
      for (int l = 0; l < before.length; l++) {
        if (before[l] != mask) {
          assertEquals(before[l], after[l]);
          continue;
        }
        leftover++;
        out.probabilities(0, l, p);
        int best = 0;
        for (int v = 1; v < mask; v++) {
          if (p[v] > p[best]) {
            best = v;
          }
        }
        assertEquals(best, after[l], "sequence " + i + " position " + l);
      }
      // the final state is the last one the model saw unless the last step changed it
      int extra = removed.get(i).modelCalls() + removed.get(i).cacheHits() - kept.get(i).modelCalls()
          - kept.get(i).cacheHits();
      assertEquals(kept.get(i).masked(mask) > 0 ? 1 : 0, extra);
    }
    // alpha(0.5) = 0.5: each position is left masked with probability 1/2
    assertTrue(leftover > 300 && leftover < 500, "leftover masks " + leftover + " of 800");
  }

  /** A time-conditioned view of a model (same outputs), so the samplers must not serve it from a cache. */
  static final class TimeConditioned implements MaskedDenoiser {
    final MaskedDenoiser inner;
    final List<double[]> times = new ArrayList<>();

    TimeConditioned(MaskedDenoiser inner) {
      this.inner = inner;
    }

    @Override
    public int vocabularySize() {
      return inner.vocabularySize();
    }

    @Override
    public int maskId() {
      return inner.maskId();
    }

    @Override
    public boolean timeConditioned() {
      return true;
    }

    @Override
    public DenoiserOutput denoise(int[][] tokens, double[] t) {
      times.add(t.clone());
      return inner.denoise(tokens, t);
    }
  }
}
