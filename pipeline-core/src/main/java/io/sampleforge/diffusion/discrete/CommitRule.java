package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * How many of the masked positions of the current block the {@link ParallelDecodingSampler} commits
 * in one step, from their confidences sorted in descending order. Every rule commits at least one
 * (the most confident) and commits a prefix of the sorted order, so the set is the k most
 * confident positions for the returned k. Cost: O(M) on the M sorted confidences.
 *
 * <ul>
 *   <li>{@link Threshold} (Fast-dLLM {@code threshold}): every position with confidence >= tau, and
 *       the most confident one when none reaches tau.</li>
 *   <li>{@link Factor} (Fast-dLLM {@code factor}, {@code get_transfer_index_dynamic}).</li>
 *   <li>{@link Profile} (Fast-dLLM++ {@code frechet_margin}, {@code
 *       get_transfer_index_frechet_profile}).</li>
 * </ul>
 */
public sealed interface CommitRule extends Serializable
    permits CommitRule.Threshold, CommitRule.Factor, CommitRule.Profile {
  /**
   * The number k in [1, m] of positions to commit, given the confidences {@code sorted[0..m)} in
   * descending order (m >= 1).
   */
  int count(double[] sorted, int m);

  /** The rule's config name: threshold, factor or frechet_profile. */
  String id();

  /**
   * Fast-dLLM's threshold rule (Wu et al., arXiv 2505.22618, section 3.3; NVlabs/Fast-dLLM {@code
   * llada/generate.py::get_transfer_index} with {@code threshold}): all positions with confidence
   * >= tau, at least one. tau = 1 commits one position per step unless several have confidence
   * exactly 1. Config key {@code threshold}, tau in (0, 1].
   */
  record Threshold(double tau) implements CommitRule {
    private static final long serialVersionUID = 1L;

    public Threshold {
      if (!(tau > 0 && tau <= 1)) {
        throw ConfigException.of("threshold", "must be a confidence threshold tau in (0, 1]", tau);
      }
    }

    @Override
    public int count(double[] sorted, int m) {
      int k = 1;
      while (k < m && sorted[k] >= tau) {
        k++;
      }
      return k;
    }

    @Override
    public String id() {
      return "threshold";
    }
  }

  /**
   * Fast-dLLM's factor rule (arXiv 2505.22618, section 3.3; NVlabs/Fast-dLLM {@code
   * llada/generate.py::get_transfer_index_dynamic}, commit f6b35ec3): with c_(0) >= c_(1) >= ...
   * the sorted confidences (0-based), position i >= 1 passes when c_(i) >= 1 - f / (i + 2), i.e.
   * (n + 1)(1 - c^(n)) <= f for n = i + 1 selected tokens; the first failing index k >= 1 ends the
   * prefix and k positions are committed; when none fails, all m. Reproduced quirk of the
   * reference: its loop cannot tell "no failure" from "the first failure is the last index m - 1",
   * so in that case too it commits all m (the last, failing one included). Config key {@code
   * factor}, f > 0 and finite.
   */
  record Factor(double factor) implements CommitRule {
    private static final long serialVersionUID = 1L;

    public Factor {
      if (!(factor > 0) || Double.isInfinite(factor)) {
        throw ConfigException.of("factor", "must be a finite float > 0 (Fast-dLLM's parallel-decoding factor f)", factor);
      }
    }

    @Override
    public int count(double[] sorted, int m) {
      int i = 1;
      while (i < m && !(sorted[i] < 1 - factor / (i + 2))) {
        i++;
      }
      // i == m: no failure; i == m - 1: first failure at the last index (the reference commits all)
      return i >= m - 1 ? m : i;
    }

    @Override
    public String id() {
      return "factor";
    }
  }

  /**
   * Fast-dLLM++'s Fréchet profile rule (Kasa, Dai, Negi, Li, "Fast-dLLM++: Fréchet Profile Decoding
   * for Faster Diffusion LLM Inference", arXiv 2606.02955; Ringo-Star/FastdLLM_plusplus {@code
   * v1/llada/generate.py::get_transfer_index_frechet_profile}, commit 518b90f4): for n >= 2 the score
   * G_n = L_n - U_n with the Fréchet lower bound L_n = c_(1) + ... + c_(n) - (n - 1) and U_n = 1 -
   * c_(n) (1-based); G_1 is +infinity; the number committed is the count of n with G_n > delta,
   * which is a prefix because G_(n+1) - G_n = 2 c_(n+1) - 1 - c_(n) <= 0. The README writes L_n
   * with max(0, .); for delta >= 0 that changes nothing (a clamped L_n gives G_n <= 0). With equal
   * confidences it is the factor rule with f = 1 - delta except at the boundary (strict > here, <= there)
   * and the factor rule's last-index quirk. Config key {@code
   * frechet_margin}, delta >= 0 and finite (the authors' default 0.25); delta >= 1 commits one per
   * step.
   */
  record Profile(double margin) implements CommitRule {
    private static final long serialVersionUID = 1L;

    public Profile {
      if (!(margin >= 0) || Double.isInfinite(margin)) {
        throw ConfigException.of("frechet_margin", "must be a finite float >= 0 (Fast-dLLM++'s margin delta)", margin);
      }
    }

    @Override
    public int count(double[] sorted, int m) {
      int k = 1;
      double sum = sorted[0];
      for (int n = 2; n <= m; n++) {
        sum += sorted[n - 1];
        double score = (sum - (n - 1)) - (1 - sorted[n - 1]);
        if (score > margin) {
          k++;
        }
      }
      return k;
    }

    @Override
    public String id() {
      return "frechet_profile";
    }
  }
}
