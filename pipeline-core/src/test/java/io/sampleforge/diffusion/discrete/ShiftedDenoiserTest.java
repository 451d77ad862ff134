package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Dream's logit shift: position l reads row l - 1, position 0 its own row (Dream's torch.cat rule). */
class ShiftedDenoiserTest {
  // V = 3 (column 2 is the mask): three positions, each a distinct distribution
  private static final double[][] ROWS = {{1, 0, 0}, {0.25, 0.75, 0}, {0.5, 0.5, 0}};

  @Test
  void positionLReadsRowLMinusOneAndPositionZeroItsOwn() {
    MaskedDenoiser shifted = new ShiftedDenoiser(new FixedDenoiser(ROWS));
    double[] p = new double[3];
    try (DenoiserOutput out = shifted.denoise(new int[][] {{2, 2, 2}}, new double[] {1})) {
      assertEquals(3, out.length());
      out.probabilities(0, 0, p);
      assertArrayEquals(ROWS[0], p);
      out.probabilities(0, 1, p);
      assertArrayEquals(ROWS[0], p);
      out.probabilities(0, 2, p);
      assertArrayEquals(ROWS[1], p);
    }
  }

  /** A sampler on the shifted model draws position 2 from row 1: with a one-hot row 0 at position 1 too. */
  @Test
  void samplersSeeTheShiftedConditionals() {
    double[][] rows = {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}};
    List<DiffusionSample> plain = new FirstHittingSampler(FirstHittingSettings.defaults(), 5).sample(
        new FixedDenoiser(rows), List.of(new SequenceKey(1, 0)), new int[][] {{2, 2, 2}});
    List<DiffusionSample> shifted = new FirstHittingSampler(FirstHittingSettings.defaults(), 5).sample(
        new ShiftedDenoiser(new FixedDenoiser(rows)), List.of(new SequenceKey(1, 0)), new int[][] {{2, 2, 2}});
    assertArrayEquals(new int[] {0, 1, 1}, plain.get(0).tokens());
    assertArrayEquals(new int[] {0, 0, 1}, shifted.get(0).tokens());
  }
}
