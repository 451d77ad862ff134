package io.sampleforge.diffusion.discrete;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * The keyed float64 draws of the masked-diffusion samplers. A sequence's stream is {@link
 * KeyedStream#of}(seed, {@link RandomPurpose#DIFFUSION}, combine(record key, sample index)); draw
 * {@link #counter(int, int, Kind)} packs (step, slot, kind) into disjoint bit fields: bits 35..62 the
 * step (< 2^28), bits 3..34 the slot (a position or pick index, < 2^31), bits 0..2 the kind. So no
 * two draws of one sequence share a counter, and a sequence's draws never depend on its batch.
 *
 * <p>Categorical draws invert the CDF of float64 probabilities with one 53-bit uniform, which is
 * exact up to double rounding; float32 noise in the Gumbel/exponential race (MDLM's
 * {@code _sample_categorical}) truncates the tail and lowers the temperature (Zheng et al., arXiv
 * 2409.02908, section on inaccurate categorical sampling). Cost: O(V) per categorical draw.
 */
final class DiffusionDraws {
  /** The largest step a counter can hold, exclusive. */
  static final int MAX_STEPS = 1 << 28;

  /** What a draw is for; the ordinal is the counter's low 3 bits. */
  enum Kind {
    /** Ancestral: whether a masked position unmasks in this step. */
    UNMASK,
    /** The value of a position (slot = the position). */
    VALUE,
    /** First-hitting: which masked position is the j-th pick of the step (slot = j). */
    POSITION,
    /** First-hitting: the uniform u of the j-th event time (slot = j). */
    TIME,
    /**
     * LLaDA: the Gumbel noise of a position's value (slot = the position); the noise of token v is
     * draw v of a sub-stream keyed by this counter ({@link #gumbelArgmax}).
     */
    GUMBEL,
    /** LLaDA {@code remasking: random}: the uniform confidence of a position (slot = the position). */
    CONFIDENCE,
    /** SVDD / DiDi-Instruct: the uniform that picks one of the step's candidates (slot 0). */
    SELECT
  }

  /** Tags the candidate streams of {@link #candidateStream} apart from the Gumbel sub-streams. */
  private static final long CANDIDATE_TAG = Hash64.of("svdd-candidate");

  private final long seed;

  DiffusionDraws(long seed) {
    this.seed = seed;
  }

  KeyedStream stream(SequenceKey key) {
    return KeyedStream.of(seed, RandomPurpose.DIFFUSION, key.streamKey());
  }

  /**
   * The stream of candidate m of a reward-guided step: the sequence's own stream for m = 0 (so one
   * candidate is the base sampler's draw), a sub-stream keyed by (key, tag, m) for m > 0.
   */
  KeyedStream candidateStream(SequenceKey key, int m) {
    return m == 0 ? stream(key)
        : KeyedStream.of(seed, RandomPurpose.DIFFUSION, Hash64.combine(key.streamKey(), Hash64.combine(CANDIDATE_TAG, m)));
  }

  static long counter(int step, int slot, Kind kind) {
    if (step < 0 || step >= MAX_STEPS) {
      throw new IllegalArgumentException("step " + step + " is outside [0, 2^28)");
    }
    if (slot < 0) {
      throw new IllegalArgumentException("slot " + slot + " is negative");
    }
    return ((long) step << 35) | ((long) slot << 3) | kind.ordinal();
  }

  /**
   * The index drawn from the categorical p (ignoring entry {@code skip}, the mask) by inverting its
   * CDF at u * total in float64; entries <= 0 are never drawn.
   */
  static int categorical(double[] p, int skip, double u) {
    double total = 0;
    for (int v = 0; v < p.length; v++) {
      if (v != skip && p[v] > 0) {
        total += p[v];
      }
    }
    if (!(total > 0) || Double.isInfinite(total)) {
      throw new IllegalStateException("the model gave a distribution with no positive finite mass: total " + total);
    }
    double target = u * total;
    double cumulative = 0;
    int last = -1;
    for (int v = 0; v < p.length; v++) {
      if (v == skip || !(p[v] > 0)) {
        continue;
      }
      cumulative += p[v];
      last = v;
      if (cumulative > target) {
        return v;
      }
    }
    return last;
  }

  /**
   * Gumbel-max at temperature T > 0 in float64: argmax over v != skip with p[v] > 0 of log(p[v]) / T
   * + G_v, where G_v = -log(-log U_v) is draw v of the sub-stream of {@code key} keyed by {@code
   * counter}. Its law is p^(1/T) normalised (LLaDA {@code add_gumbel_noise}: exp(l) / (-log U)^T has the
   * same argmax as l + T G). Cost: V uniforms and 2V logarithms.
   */
  int gumbelArgmax(SequenceKey key, long counter, double[] p, int skip, double temperature) {
    KeyedStream noise = KeyedStream.of(seed, RandomPurpose.DIFFUSION, Hash64.combine(key.streamKey(), counter));
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < p.length; v++) {
      if (v == skip || !(p[v] > 0)) {
        continue;
      }
      double score = Math.log(p[v]) / temperature + noise.gumbel(v);
      if (best < 0 || score > bestScore) {
        best = v;
        bestScore = score;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("the model gave a distribution with no positive mass outside the mask column");
    }
    return best;
  }

  /** The most probable entry other than {@code skip}; ties to the smaller id (torch.argmax). */
  static int argmax(double[] p, int skip) {
    int best = -1;
    for (int v = 0; v < p.length; v++) {
      if (v != skip && (best < 0 || p[v] > p[best])) {
        best = v;
      }
    }
    return best;
  }
}
