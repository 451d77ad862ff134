package io.sampleforge.diffusion.discrete;

import java.util.List;

/**
 * A sampler of masked (absorbing-state) diffusion: fills the masked positions of a batch of
 * sequences by calling a {@link MaskedDenoiser}. Every random draw is a keyed float64 draw of
 * (seed, record key, sample index, step, position, kind) ({@link io.sampleforge.random.RandomPurpose#DIFFUSION}), so a
 * sequence's output depends only on the seed, its {@link SequenceKey}, its initial tokens and the
 * model, never on the other sequences of its batch.
 */
public sealed interface MaskedDiffusionSampler
    permits AncestralSampler, FirstHittingSampler, LladaSampler, DreamSampler, OddSampler, SvddSampler,
    ParallelDecodingSampler {
  /**
   * Samples one sequence per key. {@code initial[b]} holds the starting tokens of sequence b: the
   * mask id where the sampler generates, any other id where the token is given (a prompt or an
   * infilling context; it is copied, never changed). Rows must share one length. Returns one
   * {@link DiffusionSample} per key, in order.
   */
  List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial);
}
