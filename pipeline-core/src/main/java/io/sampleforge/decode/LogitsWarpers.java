package io.sampleforge.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The sampling warpers of Hugging Face transformers (generation/logits_process.py), with their
 * semantics and order: temperature -> top-k -> top-p -> min-p -> typical -> epsilon -> eta, each
 * applied to the output of the previous (so each sees the renormalised distribution of what is
 * left), on a [batch, vocab] float32 block of scores; removed tokens get -inf. Every warper keeps
 * at least {@code min_tokens_to_keep} tokens. vLLM applies min-p before top-k/top-p; this chain
 * follows transformers. Cost per warper: one or two softmaxes and at most one sort per row,
 * O(batch x vocab log vocab), on the scores' device.
 */
public final class LogitsWarpers {
  private LogitsWarpers() {}

  /**
   * The whole chain for {@link DecodingMode#SAMPLE}; returns a new array (the input is not
   * modified). Once fewer than a quarter of the columns can still be drawn (after top-k, or when
   * the processors banned most of the vocabulary), the remaining warpers run on the compacted
   * [batch, max candidates] block of the surviving scores and are scattered back: -inf entries
   * carry no probability and sort after every finite score, so every warper keeps exactly the
   * same tokens, at a fraction of the sorting cost.
   */
  public static NDArray apply(SamplerSettings s, NDArray scores) {
    NDArray x = scores;
    if (s.temperature() != 1.0) {
      x = x.div((float) s.temperature());
    }
    if (s.topK() > 0) {
      x = topK(x, s.topK(), s.minTokensToKeep());
    }
    boolean rest = s.topP() < 1.0 || s.minP() > 0 || s.typicalP() < 1.0 || s.epsilon() > 0 || s.eta() > 0;
    if (!rest) {
      return x == scores ? scores.duplicate() : x;
    }
    long vocab = x.getShape().get(1);
    long candidates = x.isInfinite().logicalNot().toType(DataType.INT64, false).sum(new int[] {1}).max().toLongArray()[0];
    if (candidates > 0 && candidates * 4 <= vocab) {
      NDList top = x.topK((int) candidates, 1, true, true);
      NDArray compact = rest(s, top.get(0));
      return negativeInfinity(x).scatter(top.get(1), compact, 1);
    }
    return rest(s, x);
  }

  private static NDArray rest(SamplerSettings s, NDArray x) {
    if (s.topP() < 1.0) {
      x = topP(x, s.topP(), s.minTokensToKeep());
    }
    if (s.minP() > 0) {
      x = minP(x, s.minP(), s.minTokensToKeep());
    }
    if (s.typicalP() < 1.0) {
      x = typical(x, s.typicalP(), s.minTokensToKeep());
    }
    if (s.epsilon() > 0) {
      x = epsilon(x, s.epsilon(), s.minTokensToKeep());
    }
    if (s.eta() > 0) {
      x = eta(x, s.eta(), s.minTokensToKeep());
    }
    return x;
  }

  /** Keeps tokens whose score is at least the k-th largest (k = max(top_k, min_keep), ties kept). */
  public static NDArray topK(NDArray scores, int topK, int minKeep) {
    long vocab = scores.getShape().get(1);
    int k = (int) Math.min(Math.max(topK, minKeep), vocab);
    NDArray kth = scores.topK(k, 1, true, true).get(0).get(new NDIndex(":, {}:{}", k - 1, k));
    return masked(scores, scores.lt(kth));
  }

  /**
   * Nucleus: sorts ascending, removes tokens whose cumulative probability is <= 1 - top_p (so the
   * kept set is the smallest top set with mass >= top_p, the crossing token included), never the
   * top min_keep.
   */
  public static NDArray topP(NDArray scores, double topP, int minKeep) {
    long vocab = scores.getShape().get(1);
    NDArray order = scores.argSort(1, true);
    NDArray sorted = scores.gather(order, 1);
    NDArray cumulative = sorted.softmax(1).cumSum(1);
    NDArray removeSorted = cumulative.lte((float) (1 - topP)).toType(DataType.INT8, false);
    keepLast(removeSorted, (int) Math.min(minKeep, vocab));
    return masked(scores, unsort(removeSorted.toType(DataType.BOOLEAN, false), order));
  }

  /** Removes tokens with probability below min_p times the top probability, never the top min_keep. */
  public static NDArray minP(NDArray scores, double minP, int minKeep) {
    NDArray probs = scores.softmax(1);
    NDArray threshold = probs.max(new int[] {1}, true).mul((float) minP);
    NDArray remove = probs.lt(threshold);
    NDArray order = scores.argSort(1, false);
    NDArray removeSorted = remove.toType(DataType.INT8, false).gather(order, 1);
    keepFirst(removeSorted, minKeep);
    return masked(scores, unsort(removeSorted.toType(DataType.BOOLEAN, false), order));
  }

  /**
   * Locally typical sampling (Meister et al. 2022): ranks tokens by |-log p - H| and keeps the
   * smallest such prefix whose probability mass reaches typical_p; may drop the most likely token.
   */
  public static NDArray typical(NDArray scores, double mass, int minKeep) {
    long vocab = scores.getShape().get(1);
    NDArray logp = scores.logSoftmax(1);
    NDArray p = logp.exp();
    NDArray plogp = logp.mul(p);
    NDArray entropy = NDArrays.where(plogp.isNaN(), plogp.zerosLike(), plogp).sum(new int[] {1}, true).neg();
    NDArray shifted = logp.neg().sub(entropy).abs();
    NDArray order = shifted.argSort(1, true);
    NDArray sortedShifted = shifted.gather(order, 1);
    NDArray cumulative = scores.gather(order, 1).softmax(1).cumSum(1);
    NDArray last = cumulative.lt((float) mass).toType(DataType.INT64, false).sum(new int[] {1}, true)
        .clip(0, vocab - 1);
    NDArray removeSorted = sortedShifted.gt(sortedShifted.gather(last, 1));
    NDArray removeInt = removeSorted.toType(DataType.INT8, false);
    keepFirst(removeInt, minKeep);
    return masked(scores, unsort(removeInt.toType(DataType.BOOLEAN, false), order));
  }

  /** Truncation sampling (Hewitt et al. 2022): removes tokens with probability below epsilon. */
  public static NDArray epsilon(NDArray scores, double epsilon, int minKeep) {
    NDArray probs = scores.softmax(1);
    return keepTop(scores, probs.lt((float) epsilon), minKeep);
  }

  /** Eta sampling (Hewitt et al. 2022): threshold min(eta, sqrt(eta) exp(-H)) with H the entropy. */
  public static NDArray eta(NDArray scores, double eta, int minKeep) {
    NDArray logp = scores.logSoftmax(1);
    NDArray p = logp.exp();
    NDArray plogp = logp.mul(p);
    NDArray entropy = NDArrays.where(plogp.isNaN(), plogp.zerosLike(), plogp).sum(new int[] {1}, true).neg();
    NDArray threshold = NDArrays.minimum(entropy.neg().exp().mul((float) Math.sqrt(eta)), (float) eta);
    return keepTop(scores, p.lt(threshold), minKeep);
  }

  /** remove &= (score below the min_keep-th largest score), then mask. */
  private static NDArray keepTop(NDArray scores, NDArray remove, int minKeep) {
    long vocab = scores.getShape().get(1);
    int k = (int) Math.min(minKeep, vocab);
    NDArray kth = scores.topK(k, 1, true, true).get(0).get(new NDIndex(":, {}:{}", k - 1, k));
    return masked(scores, remove.logicalAnd(scores.lt(kth)));
  }

  private static NDArray masked(NDArray scores, NDArray remove) {
    return NDArrays.where(remove, negativeInfinity(scores), scores);
  }

  /** An array of -inf shaped like x. */
  static NDArray negativeInfinity(NDArray x) {
    return x.getManager().full(x.getShape(), Float.NEGATIVE_INFINITY, x.getDataType());
  }

  /** Scatters a mask given in sorted order back to vocabulary order. */
  private static NDArray unsort(NDArray sortedMask, NDArray order) {
    NDArray asInt = sortedMask.toType(DataType.INT8, false);
    return asInt.zerosLike().scatter(order, asInt, 1).toType(DataType.BOOLEAN, false);
  }

  private static void keepLast(NDArray removeSorted, int n) {
    long vocab = removeSorted.getShape().get(1);
    removeSorted.set(new NDIndex(":, {}:", vocab - n), 0);
  }

  private static void keepFirst(NDArray removeSorted, int n) {
    removeSorted.set(new NDIndex(":, :{}", n), 0);
  }
}
