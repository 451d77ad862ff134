package io.sampleforge.diffusion.discrete;

import java.util.List;

/**
 * A {@link MaskedDenoiser} that can keep each row's attention keys/values from a full forward and
 * later run the model on a window of positions against them: the model side of Fast-dLLM's
 * block-wise prefix and dual caches (Wu et al., arXiv 2505.22618; {@link CacheMode}). The export
 * contract of an implementation over a TorchScript file is docs/diffusion.md, "Cached masked
 * model contract".
 *
 * <p>{@link #window} is exact (equal to {@link #denoise} up to float rounding) when no token of the
 * rows changed since their {@link #refresh}; otherwise the kept keys/values of the positions outside
 * the window are stale in every layer after the first, which is the approximation the caches make.
 * Row b of either output depends only on row b's tokens and kept keys/values. Cost: {@link #refresh}
 * is one full forward plus keeping [layers, 2, heads, L, head_dim] floats per row; {@link #window}
 * is a forward over W = to - from positions attending to L (O(W L) attention instead of O(L^2)).
 */
public interface KvCachedDenoiser extends MaskedDenoiser {
  /** The keys/values of one row kept from a {@link #refresh}; closing it frees them. */
  interface RowCache extends AutoCloseable {
    @Override
    void close();
  }

  /** The output of a full forward and one {@link RowCache} per row, in row order. */
  record Refreshed(DenoiserOutput output, List<RowCache> rows) {
    public Refreshed {
      rows = List.copyOf(rows);
    }
  }

  /** A full forward of {@code tokens} [B][L] (as {@link #denoise}) that keeps every row's keys/values. */
  Refreshed refresh(int[][] tokens);

  /**
   * The conditionals of the positions [from, to) of every row, from a forward over those positions
   * only against the rows' kept keys/values ({@code caches.get(b)} from a refresh of a row of the
   * same length). {@code tokens} are the whole rows; the output is read at absolute positions l in
   * [from, to).
   */
  DenoiserOutput window(int[][] tokens, int from, int to, List<RowCache> caches);
}
