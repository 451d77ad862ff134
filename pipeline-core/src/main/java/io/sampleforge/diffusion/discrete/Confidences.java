package io.sampleforge.diffusion.discrete;

/**
 * The confidence scores of the remasking samplers, on a float64 distribution p whose mask column is
 * 0. Cost: O(V) each.
 */
final class Confidences {
  /** Dream's epsilon inside the logarithm of the negative entropy. */
  static final double ENTROPY_EPSILON = 1e-10;

  private Confidences() {}

  /** top1 - top2 of p (Dream {@code margin_confidence}); 0 when two entries tie for the top. */
  static double margin(double[] p) {
    double first = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double q : p) {
      if (q > first) {
        second = first;
        first = q;
      } else if (q > second) {
        second = q;
      }
    }
    return first - second;
  }

  /** sum_v p(v) log(p(v) + 1e-10) (Dream {@code neg_entropy}); the mask column, 0, adds nothing. */
  static double negativeEntropy(double[] p) {
    double sum = 0;
    for (double q : p) {
      if (q > 0) {
        sum += q * Math.log(q + ENTROPY_EPSILON);
      }
    }
    return sum;
  }

  /**
   * p tempered in place: p^(1/T) normalised (the softmax of logits / T), in float64; T = 1 and T = 0
   * leave p unchanged (Dream softmaxes the untempered logits at T = 0 and takes the argmax).
   */
  static void temper(double[] p, double temperature) {
    if (temperature == 0 || temperature == 1) {
      return;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double q : p) {
      if (q > 0) {
        max = Math.max(max, Math.log(q) / temperature);
      }
    }
    double sum = 0;
    for (int v = 0; v < p.length; v++) {
      p[v] = p[v] > 0 ? Math.exp(Math.log(p[v]) / temperature - max) : 0;
      sum += p[v];
    }
    for (int v = 0; v < p.length; v++) {
      p[v] /= sum;
    }
  }

  /**
   * The {@code k} indices of the largest scores among those with {@code eligible[i]}, in descending
   * score order, ties to the smaller index (a deterministic torch.topk).
   */
  static int[] topK(double[] scores, boolean[] eligible, int k) {
    java.util.List<Integer> candidates = new java.util.ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (eligible[i]) {
        candidates.add(i);
      }
    }
    if (k > candidates.size()) {
      throw new IllegalStateException("top-" + k + " of " + candidates.size() + " eligible positions");
    }
    candidates.sort((a, b) -> {
      int c = Double.compare(scores[b], scores[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] chosen = new int[k];
    for (int j = 0; j < k; j++) {
      chosen[j] = candidates.get(j);
    }
    return chosen;
  }
}
