package io.sampleforge.diffusion.discrete;

/**
 * A batched masked denoiser: token ids [B][L] in which some positions hold {@link #maskId()}, and
 * optionally one time t in [0, 1] per row, to the categorical conditionals p(x_l = v | unmasked
 * tokens) of every position ("x0 prediction"), as in MDLM (Sahoo et al., "Simple and Effective
 * Masked Diffusion Language Models", NeurIPS 2024; kuleshov-group/mdlm {@code diffusion.py}).
 *
 * <p>Contract (SUBS parameterisation of MDLM):
 * <ul>
 *   <li>The output row of a masked position is a distribution over the {@link #vocabularySize()}
 *       columns whose {@link #maskId()} entry is 0: a model's mask logit is ignored (MDLM adds -inf
 *       to it) and the rest is normalised in float64 (see {@link FloatLogits}).</li>
 *   <li>Unmasked positions are copied by the samplers; their output rows are never read and may
 *       hold anything.</li>
 *   <li>Row b of the output depends only on row b of the input (and times[b]); the samplers' keyed
 *       draws then make a sequence independent of the batch it shares. A network whose numerics
 *       vary with the batch size (padding, kernel choice) breaks this bit-exactness, not the law.</li>
 *   <li>{@code times} always has one entry per row (the current diffusion time t: 1 = all masked);
 *       a model that is not {@link #timeConditioned()} ignores it, which is what lets the ancestral
 *       sampler's cache and the first-hitting sampler skip the time (Zheng et al., arXiv
 *       2409.02908, "MDMs are secretly time-agnostic").</li>
 * </ul>
 *
 * <p>An implementation wrapping a [B, L, V] tensor (DJL/TorchScript) returns a {@link
 * DenoiserOutput} with row access, so only the rows the sampler reads are converted to double.
 */
public interface MaskedDenoiser {
  /** V: the number of output columns, the mask id included. */
  int vocabularySize();

  /** The id of the mask (absorbing) token, in [0, V). */
  int maskId();

  /** Whether the output depends on the time t (MDLM's {@code time_conditioning}). */
  boolean timeConditioned();

  /**
   * The conditionals of every position of every row. {@code tokens} is [B][L] with equal row lengths,
   * ids in [0, V); {@code times} has length B. Cost: the model's; one call is one NFE per row. The
   * samplers pass fresh arrays, so an output may keep referring to them.
   */
  DenoiserOutput denoise(int[][] tokens, double[] times);

  /** {@code rows} sequences of {@code length} mask ids: the fully masked start of unconditional sampling. */
  static int[][] allMasked(MaskedDenoiser model, int rows, int length) {
    int[][] out = new int[rows][length];
    for (int[] row : out) {
      java.util.Arrays.fill(row, model.maskId());
    }
    return out;
  }
}
