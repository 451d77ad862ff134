package io.sampleforge.diffusion.discrete;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The statistics of {@link OddDiversityBench}: distinct-n (Li et al. 2016, "A Diversity-Promoting
 * Objective Function for Neural Conversation Models": distinct n-grams over all n-grams), the
 * pairwise cosine of two word sets (the cosine of their indicator vectors, |A ∩ B| / sqrt(|A| |B|):
 * ODD's max-pooled one-hot feature of a finished sequence), the unbiased pass@k estimator of Chen et
 * al. 2021 ("Evaluating Large Language Models Trained on Code", eq. 1), the pooled two-proportion
 * z-test and the exact McNemar test for paired binary outcomes. Cost: O(total words) for distinct-n,
 * O(k^2 L) for the pairwise cosine of k sentences of L words.
 */
final class DiversityStats {
  private DiversityStats() {}

  /** Distinct n-grams and all n-grams of the sentences, as {distinct, total}. */
  static long[] ngramCounts(List<List<String>> sentences, int n) {
    Set<List<String>> distinct = new HashSet<>();
    long total = 0;
    for (List<String> s : sentences) {
      for (int i = 0; i + n <= s.size(); i++) {
        distinct.add(List.copyOf(s.subList(i, i + n)));
        total++;
      }
    }
    return new long[] {distinct.size(), total};
  }

  /** distinct-n: distinct n-grams / n-grams; 0 when there is no n-gram. */
  static double distinct(List<List<String>> sentences, int n) {
    long[] c = ngramCounts(sentences, n);
    return c[1] == 0 ? 0 : (double) c[0] / c[1];
  }

  /** Cosine of the indicator vectors of the two word sets; 0 when one is empty. */
  static double setCosine(List<String> a, List<String> b) {
    Set<String> sa = new HashSet<>(a);
    Set<String> sb = new HashSet<>(b);
    if (sa.isEmpty() || sb.isEmpty()) {
      return 0;
    }
    int common = 0;
    for (String w : sa) {
      if (sb.contains(w)) {
        common++;
      }
    }
    return common / Math.sqrt((double) sa.size() * sb.size());
  }

  /** Mean {@link #setCosine} over the k (k - 1) / 2 pairs of the sentences (k >= 2). */
  static double meanPairwiseCosine(List<List<String>> sentences) {
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i < sentences.size(); i++) {
      for (int j = i + 1; j < sentences.size(); j++) {
        sum += setCosine(sentences.get(i), sentences.get(j));
        pairs++;
      }
    }
    return sum / pairs;
  }

  /** Chen et al.'s unbiased pass@k from n samples of which c pass: 1 - C(n - c, k) / C(n, k). */
  static double passAtK(int n, int c, int k) {
    if (n - c < k) {
      return 1;
    }
    double fail = 1;
    for (int i = n - c + 1; i <= n; i++) {
      fail *= 1 - (double) k / i;
    }
    return 1 - fail;
  }

  /** Mean and standard error of the mean (sample standard deviation / sqrt(m)). */
  static double[] meanAndSe(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double se = x.length > 1 ? Math.sqrt(ss / (x.length - 1) / x.length) : 0;
    return new double[] {mean, se};
  }

  /**
   * Pooled two-proportion z-test of x1 / n1 against x2 / n2: {z, two-sided p}. z = 0, p = 1 when the
   * pooled proportion is 0 or 1.
   */
  static double[] twoProportion(int x1, int n1, int x2, int n2) {
    double p = (double) (x1 + x2) / (n1 + n2);
    double se = Math.sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
    if (!(se > 0)) {
      return new double[] {0, 1};
    }
    double z = ((double) x2 / n2 - (double) x1 / n1) / se;
    return new double[] {z, erfc(Math.abs(z) / Math.sqrt(2))};
  }

  /**
   * Exact McNemar test: b pairs where only the first passes, c where only the second does; the
   * two-sided p-value of the binomial test of b against Binomial(b + c, 1/2), capped at 1.
   */
  static double mcNemarExact(int b, int c) {
    int m = b + c;
    if (m == 0) {
      return 1;
    }
    int lo = Math.min(b, c);
    double tail = 0;
    double logHalf = m * Math.log(0.5);
    for (int i = 0; i <= lo; i++) {
      tail += Math.exp(logChoose(m, i) + logHalf);
    }
    return Math.min(1, 2 * tail);
  }

  private static double logChoose(int n, int k) {
    double s = 0;
    for (int i = 1; i <= k; i++) {
      s += Math.log(n - k + i) - Math.log(i);
    }
    return s;
  }

  /**
   * The complementary error function, by Abramowitz and Stegun 7.1.26 (absolute error of erf below
   * 1.5e-7 for x >= 0), mirrored for x < 0.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.3275911 * z);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double r = poly * Math.exp(-z * z);
    return x >= 0 ? r : 2 - r;
  }
}
