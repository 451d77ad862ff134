package io.sampleforge.diffusion.discrete;

import java.util.Arrays;

/**
 * Dream's top-p and top-k warpers on one position's float64 distribution (Dream-org Dream-v0 {@code
 * generation_utils.py}, {@code top_p_logits}, {@code top_k_logits} and {@code sample_tokens}), applied
 * in Dream's order: after the temperature (p is already p_T), top-p on the whole p_T, then top-k on
 * what top-p kept; the removed entries get probability 0 and the kept ones are renormalised, which is
 * the softmax of the warped logits (Dream fills removed logits with the dtype's minimum, whose
 * exponential is 0).
 * <ul>
 *   <li><b>top-p</b> (Dream's nucleus rule): entries sorted by descending probability, cumulative
 *       sum c_i; entry i is removed when c_{i-1} > top_p (the mask c_i > top_p shifted right by one,
 *       entry 0 always kept). So the kept set is the shortest prefix whose mass is <b>strictly
 *       greater</b> than top_p (all entries when none is). Here c is compared with top_p times the
 *       total of p, in float64. This differs from transformers' TopPLogitsWarper ({@code
 *       decode.LogitsWarpers#topP}: ascending sort, remove c <= 1 - top_p), which keeps the shortest
 *       prefix with mass >= top_p: for p = (.5, .25, .25) and top_p = .5 Dream keeps two tokens and
 *       transformers one.</li>
 *   <li><b>top-k</b>: removes the entries below the k-th largest probability; entries tied with it
 *       are all kept (Dream: {@code logits < topk(logits, k)[..., -1]}), so more than k may stay; k
 *       at least the number of entries left removes nothing.</li>
 *   <li><b>Ties</b> (deterministic here; Dream's torch.sort is not stable): within top-p, entries
 *       of equal probability are ordered by ascending id, so when the cut falls inside a run of equal
 *       entries the smaller ids are kept. Top-k keeps all of a tie, as Dream does.</li>
 * </ul>
 * Entries that are 0 (the mask column, impossible tokens) are never kept and change no cut.
 * top_p = 1 and top_k = 0 leave p untouched. {@code decode.LogitsWarpers} is not reused: it works
 * on float32 DJL arrays with transformers' order (top-k before top-p) and nucleus rule. Cost per
 * call: a sort of the positive entries, O(V log V), and O(V) passes.
 */
final class DreamWarpers {
  private DreamWarpers() {}

  /**
   * Warps p in place (entry {@code skip}, the mask, is set to 0 and never kept) with {@code topP} in
   * (0, 1] (1 = off) and {@code topK} >= 0 (0 = off), and renormalises the kept entries.
   */
  static void apply(double[] p, int skip, double topP, int topK) {
    if (topP >= 1 && topK <= 0) {
      return;
    }
    int n = 0;
    double[] sorted = new double[p.length];
    for (int v = 0; v < p.length; v++) {
      if (v != skip && p[v] > 0) {
        sorted[n++] = p[v];
      }
    }
    if (n == 0) {
      throw new IllegalStateException("the model gave a distribution with no positive mass outside the mask column");
    }
    sorted = Arrays.copyOf(sorted, n);
    Arrays.sort(sorted);
    reverse(sorted);
    int kept = n;
    if (topP < 1) {
      double total = 0;
      for (double q : sorted) {
        total += q;
      }
      double cut = topP * total;
      double cumulative = 0;
      for (int i = 0; i < n; i++) {
        cumulative += sorted[i];
        if (cumulative > cut) {
          kept = i + 1;
          break;
        }
      }
    }
    if (topK > 0 && topK < kept) {
      double kth = sorted[topK - 1];
      int k = topK;
      while (k < kept && sorted[k] == kth) {
        k++;
      }
      kept = k;
    }
    double threshold = sorted[kept - 1];
    int ties = 0;
    for (int i = kept - 1; i >= 0 && sorted[i] == threshold; i--) {
      ties++;
    }
    double sum = 0;
    for (int v = 0; v < p.length; v++) {
      boolean keep = v != skip && (p[v] > threshold || (p[v] == threshold && ties-- > 0));
      p[v] = keep ? p[v] : 0;
      sum += p[v];
    }
    for (int v = 0; v < p.length; v++) {
      p[v] /= sum;
    }
  }

  private static void reverse(double[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      double t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
