package io.sampleforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Hash64;
import io.sampleforge.text.Vocabulary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in n-gram language model: interpolated Kneser-Ney smoothing (Kneser and Ney 1995; the
 * interpolated form of Chen and Goodman 1998) of any order. The highest order uses raw counts,
 * lower orders continuation counts (the number of distinct left extensions); each order has one
 * discount D = n1 / (n1 + 2 n2) from its count-of-counts; the unigram level is interpolated with
 * the uniform distribution, so every token has a positive probability:
 * P(w|h) = max(c(hw) - D, 0) / c(h) + D N1+(h.) / c(h) P(w|h'), with full back-off when c(h) = 0.
 * Sentences are padded with order-1 {@code <s>} and end with {@code </s>}. Cost: training
 * O(tokens x order); one next-token distribution O(order x vocabulary); memory O(distinct n-grams).
 */
public final class KneserNeyLm implements CausalLm, Serializable {
  private static final long serialVersionUID = 1L;

  private final int order;
  private final Vocabulary vocabulary;
  private final List<Map<String, Map<Integer, Integer>>> counts;
  private final List<Map<String, Integer>> totals;
  private final double[] discount;
  private final double[] unigram;
  private final String identity;

  private KneserNeyLm(int order, Vocabulary vocabulary, List<Map<String, Map<Integer, Integer>>> counts, double[] discount,
      long contentHash) {
    this.order = order;
    this.vocabulary = vocabulary;
    this.counts = counts;
    this.discount = discount;
    this.totals = new ArrayList<>();
    for (Map<String, Map<Integer, Integer>> level : counts) {
      Map<String, Integer> t = new HashMap<>();
      level.forEach((ctx, followers) -> t.put(ctx, followers.values().stream().mapToInt(Integer::intValue).sum()));
      totals.add(t);
    }
    this.unigram = unigramDistribution();
    this.identity = "ngram-kn(order=" + order + ", vocab=" + vocabulary.size() + ", content=" + Long.toHexString(contentHash) + ")";
  }

  /** Trains on token-id sentences (without padding; ids from {@code vocabulary}). */
  public static KneserNeyLm train(int order, Vocabulary vocabulary, List<int[]> sentences) {
    if (order < 1 || order > 10) {
      throw ConfigException.of("order", "must be between 1 and 10", order);
    }
    // highest-order raw counts over padded sentences
    List<Map<String, Map<Integer, Integer>>> levels = new ArrayList<>();
    for (int k = 0; k < order; k++) {
      levels.add(new HashMap<>());
    }
    Set<String> seenNgrams = new HashSet<>();
    long hash = Hash64.mix(order);
    for (int[] s : sentences) {
      int[] padded = new int[s.length + order];
      for (int i = 0; i < order - 1; i++) {
        padded[i] = Vocabulary.BOS;
      }
      System.arraycopy(s, 0, padded, order - 1, s.length);
      padded[padded.length - 1] = Vocabulary.EOS;
      for (int t : s) {
        hash = Hash64.combine(hash, t);
      }
      hash = Hash64.combine(hash, -1);
      for (int end = order - 1; end < padded.length; end++) {
        add(levels.get(order - 1), key(padded, end - order + 1, end), padded[end], 1);
        // continuation counts for lower orders: each distinct (k+1)-gram adds 1 to the count of its
        // k-gram suffix (context = its k-1 tokens before the predicted one); once a (k+1)-gram was
        // seen, all its shorter suffixes were too
        for (int k = order - 1; k >= 1; k--) {
          int from = end - k;
          if (!seenNgrams.add(key(padded, from, end + 1))) {
            break;
          }
          add(levels.get(k - 1), key(padded, from + 1, end), padded[end], 1);
        }
      }
    }
    double[] d = new double[order];
    for (int k = 0; k < order; k++) {
      long n1 = 0;
      long n2 = 0;
      for (Map<Integer, Integer> followers : levels.get(k).values()) {
        for (int c : followers.values()) {
          n1 += c == 1 ? 1 : 0;
          n2 += c == 2 ? 1 : 0;
        }
      }
      d[k] = n1 + 2 * n2 == 0 ? 0.5 : Math.min(0.95, Math.max(0.05, (double) n1 / (n1 + 2 * n2)));
    }
    return new KneserNeyLm(order, vocabulary, levels, d, hash);
  }

  private static void add(Map<String, Map<Integer, Integer>> level, String ctx, int token, int c) {
    level.computeIfAbsent(ctx, x -> new HashMap<>()).merge(token, c, Integer::sum);
  }

  private static String key(int[] ids, int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(ids[i]).append(',');
    }
    return b.toString();
  }

  private double[] unigramDistribution() {
    int v = vocabulary.size();
    double[] p = new double[v];
    Map<Integer, Integer> followers = counts.get(0).getOrDefault("", Map.of());
    int total = totals.get(0).getOrDefault("", 0);
    double uniform = 1.0 / v;
    if (total == 0) {
      java.util.Arrays.fill(p, uniform);
      return p;
    }
    double gamma = discount[0] * followers.size() / total;
    for (int w = 0; w < v; w++) {
      p[w] = gamma * uniform;
    }
    followers.forEach((w, c) -> p[w] += Math.max(c - discount[0], 0) / total);
    return p;
  }

  /** P(. | history) over the vocabulary, history = the tokens so far (padded with {@code <s>} on the left). */
  public double[] distribution(int[] history) {
    double[] p = unigram.clone();
    int[] ctx = new int[order - 1];
    for (int i = 0; i < order - 1; i++) {
      int src = history.length - (order - 1) + i;
      ctx[i] = src < 0 ? Vocabulary.BOS : history[src];
    }
    for (int k = 2; k <= order; k++) {
      String key = key(ctx, ctx.length - (k - 1), ctx.length);
      Map<Integer, Integer> followers = counts.get(k - 1).get(key);
      if (followers == null) {
        continue;
      }
      int total = totals.get(k - 1).get(key);
      double gamma = discount[k - 1] * followers.size() / total;
      for (int w = 0; w < p.length; w++) {
        p[w] *= gamma;
      }
      double dk = discount[k - 1];
      followers.forEach((w, c) -> p[w] += Math.max(c - dk, 0) / total);
    }
    return p;
  }

  @Override
  public int vocabularySize() {
    return vocabulary.size();
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public int order() {
    return order;
  }

  @Override
  public NDArray nextTokenLogits(NDManager manager, int[][] sequences) {
    int v = vocabulary.size();
    float[] logits = new float[sequences.length * v];
    for (int b = 0; b < sequences.length; b++) {
      double[] p = distribution(sequences[b]);
      for (int w = 0; w < v; w++) {
        logits[b * v + w] = (float) Math.log(p[w]);
      }
    }
    return manager.create(logits, new Shape(sequences.length, v));
  }

  @Override
  public String identity() {
    return identity;
  }
}
