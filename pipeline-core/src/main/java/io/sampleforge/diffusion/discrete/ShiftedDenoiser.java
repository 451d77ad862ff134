package io.sampleforge.diffusion.discrete;

/**
 * The adapter for masked LMs that predict position l at output l - 1, as Dream does (Dream-org
 * Dream-v0, {@code generation_utils.py}: {@code logits = torch.cat([logits[:, :1], logits[:, :-1]],
 * dim=1)} after every forward): the conditional of position l is the wrapped model's row l - 1, and
 * position 0 keeps its own row. The samplers then see the {@link MaskedDenoiser} contract (position
 * l's conditional at l). Row l - 1 is read whether or not it was masked in the input, so the wrapped
 * output must allow every row to be read (true of {@link FloatLogits}, the exported models' output).
 * Cost: none beyond the wrapped model's; rows are re-indexed on read.
 */
public final class ShiftedDenoiser implements MaskedDenoiser {
  private final MaskedDenoiser inner;

  public ShiftedDenoiser(MaskedDenoiser inner) {
    if (inner == null) {
      throw new IllegalArgumentException("the shifted denoiser needs a model");
    }
    this.inner = inner;
  }

  @Override
  public int vocabularySize() {
    return inner.vocabularySize();
  }

  @Override
  public int maskId() {
    return inner.maskId();
  }

  @Override
  public boolean timeConditioned() {
    return inner.timeConditioned();
  }

  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] times) {
    DenoiserOutput out = inner.denoise(tokens, times);
    return new DenoiserOutput() {
      @Override
      public int batchSize() {
        return out.batchSize();
      }

      @Override
      public int length() {
        return out.length();
      }

      @Override
      public int vocabularySize() {
        return out.vocabularySize();
      }

      @Override
      public void probabilities(int b, int l, double[] dest) {
        out.probabilities(b, l == 0 ? 0 : l - 1, dest);
      }

      @Override
      public void close() {
        out.close();
      }
    };
  }
}
