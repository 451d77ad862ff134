package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first-hitting times a time-conditioned model sees: from time t with n masks the next event
 * time tau satisfies ((1 - alpha(tau)) / (1 - alpha(t)))^n ~ U(0, 1) (Zheng et al., arXiv
 * 2409.02908; for log-linear (tau / t)^n ~ U(0, 1)). Checked on 2,000 sequences of 4 masks (8,000
 * values) with a 10-bin chi-square, for the log-linear and cosine schedules; the tokens do not
 * depend on the schedule (the chain is time-agnostic).
 */
class FirstHittingTimesTest {
  @Test
  void eventTimesFollowTheFirstHittingLaw() {
    MarkovChainDenoiser chain = FirstHittingLawTest.model();
    int n = 2000;
    List<DiffusionSample> reference = null;
    for (MaskSchedule schedule : List.of(MaskSchedule.LOG_LINEAR, MaskSchedule.COSINE)) {
      AncestralSamplerTest.TimeConditioned model = new AncestralSamplerTest.TimeConditioned(chain);
      List<DiffusionSample> samples = SamplerLaws.sample(
          new FirstHittingSampler(new FirstHittingSettings(schedule, 1), 13), model, 4, n, n);
      assertEquals(4, model.times.size(), "one batched call per token");
      long[] bins = new long[10];
      for (int b = 0; b < n; b++) {
        double previous = 1;
        for (int call = 0; call < 4; call++) {
          double tau = model.times.get(call)[b];
          assertTrue(tau < previous, "times decrease");
          double u = Math.pow((1 - schedule.alpha(tau)) / (1 - schedule.alpha(previous)), 4 - call);
          bins[Math.min(9, (int) (u * 10))]++;
          previous = tau;
        }
      }
      double[] uniform = new double[10];
      java.util.Arrays.fill(uniform, 0.1);
      ChiSquare fit = ChiSquare.of(bins, uniform);
      assertTrue(fit.pValue() > 1e-3, schedule.id() + ": " + fit + " " + java.util.Arrays.toString(bins));
      if (reference == null) {
        reference = samples;
      } else {
        for (int b = 0; b < n; b++) {
          assertArrayEquals(reference.get(b).tokens(), samples.get(b).tokens());
        }
      }
    }
  }
}
