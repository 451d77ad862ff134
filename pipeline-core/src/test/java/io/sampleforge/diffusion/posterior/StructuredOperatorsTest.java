package io.sampleforge.diffusion.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Blur, downsampling and sparse maps against hand-derived values: the adjoint identity <A x, y> = <x,
 * A^T y> on random rows, a blurred impulse equal to the outer product of its taps (truncated at a
 * corner by the zero padding), the Gaussian taps of size 3 and sigma 1 (e^-1/2, 1, e^-1/2 normalised:
 * torchvision's 0.2741, 0.4519, 0.2741), 2 x 2 block means of a ramp, and a sparse map with a duplicate
 * entry equal to its dense sum.
 */
class StructuredOperatorsTest {
  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  private static void assertAdjoint(MeasurementOperator op) {
    double[] x = random(op.inputDimension(), 1);
    double[] y = random(op.outputDimension(), 2);
    double[] ax = new double[op.outputDimension()];
    double[] aty = new double[op.inputDimension()];
    op.apply(x, 0, ax, 0);
    op.adjoint(y, 0, aty, 0);
    double left = 0;
    double right = 0;
    for (int i = 0; i < ax.length; i++) {
      left += ax[i] * y[i];
    }
    for (int j = 0; j < x.length; j++) {
      right += x[j] * aty[j];
    }
    assertEquals(left, right, 1e-12 * (1 + Math.abs(left)), op.getClass().getSimpleName() + " adjoint identity");
  }

  @Test
  void gaussianTapsAreTorchvisionsAndBoxTapsAreEqual() {
    double e = Math.exp(-0.5);
    assertArrayEquals(new double[] {e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)},
        BlurKernel.GAUSSIAN.taps(3, 1.0), 1e-15);
    assertArrayEquals(new double[] {0.2741, 0.4519, 0.2741}, BlurKernel.GAUSSIAN.taps(3, 1.0), 1e-4);
    assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, BlurKernel.BOX.taps(5, 0), 1e-15);
    assertTrue(assertThrows(ConfigException.class, () -> BlurKernel.BOX.taps(4, 0)).getMessage().contains("operator.size"));
    assertTrue(assertThrows(ConfigException.class, () -> BlurKernel.GAUSSIAN.taps(3, 0)).getMessage()
        .contains("operator.blur_sigma"));
    assertTrue(assertThrows(ConfigException.class, () -> BlurKernel.parse("operator.kernel", "motion")).getMessage()
        .contains("operator.kernel"));
  }

  @Test
  void aBlurredImpulseIsTheKernelTruncatedByTheZeroPadding() {
    ImageShape shape = new ImageShape(2, 5, 6);
    double[] taps = BlurKernel.GAUSSIAN.taps(3, 0.8);
    BlurOperator blur = new BlurOperator(shape, taps, 0.0);
    double[] x = new double[shape.size()];
    x[30 + 2 * 6 + 3] = 1.0; // channel 1, (2, 3)
    x[0] = 2.0; // channel 0, corner (0, 0)
    double[] y = new double[shape.size()];
    blur.apply(x, 0, y, 0);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 6; j++) {
        double centre = Math.abs(i - 2) <= 1 && Math.abs(j - 3) <= 1 ? taps[i - 1] * taps[j - 2] : 0.0;
        assertEquals(centre, y[30 + i * 6 + j], 1e-15, "channel 1 at " + i + "," + j);
        double corner = i <= 1 && j <= 1 ? 2 * taps[i + 1] * taps[j + 1] : 0.0;
        assertEquals(corner, y[i * 6 + j], 1e-15, "channel 0 at " + i + "," + j);
      }
    }
    assertAdjoint(blur);
    assertAdjoint(new BlurOperator(new ImageShape(3, 7, 4), BlurKernel.BOX.taps(5, 0), 0.1));
  }

  @Test
  void downsamplingAveragesBlocksAndItsAdjointSpreadsThem() {
    ImageShape shape = new ImageShape(1, 4, 4);
    DownsampleOperator pool = new DownsampleOperator(shape, 2, 0.0);
    double[] ramp = new double[16];
    for (int i = 0; i < 16; i++) {
      ramp[i] = i;
    }
    double[] y = new double[4];
    pool.apply(ramp, 0, y, 0);
    assertArrayEquals(new double[] {(0 + 1 + 4 + 5) / 4.0, (2 + 3 + 6 + 7) / 4.0, (8 + 9 + 12 + 13) / 4.0,
        (10 + 11 + 14 + 15) / 4.0}, y, 1e-15);
    double[] back = new double[16];
    pool.adjoint(new double[] {4, 8, 12, 16}, 0, back, 0);
    assertEquals(1.0, back[0], 0);
    assertEquals(2.0, back[3], 0);
    assertEquals(4.0, back[15], 0);
    assertEquals(4, pool.outputDimension());
    assertAdjoint(new DownsampleOperator(new ImageShape(3, 6, 9), 3, 0.2));
    assertTrue(assertThrows(ConfigException.class, () -> new DownsampleOperator(shape, 3, 0)).getMessage()
        .contains("operator.factor"));
    assertTrue(assertThrows(ConfigException.class, () -> new ImageShape(0, 4, 4)).getMessage().contains("operator.shape"));
  }

  @Test
  void aSparseMapEqualsItsDenseSumAndNamesBadEntries() {
    SparseLinearOperator sparse = new SparseLinearOperator(3, 4, new int[] {2, 0, 0, 1, 2}, new int[] {3, 1, 1, 0, 0},
        new double[] {5.0, 1.5, 0.5, -1.0, 0.25}, 0.1);
    double[][] dense = {{0, 2.0, 0, 0}, {-1.0, 0, 0, 0}, {0.25, 0, 0, 5.0}};
    assertEquals(4, sparse.nonZeros(), "the duplicate (0, 1) is summed");
    double[][] got = sparse.matrix();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(dense[i], got[i], 0.0);
    }
    double[] x = {1, 2, 3, 4};
    double[] y = new double[3];
    sparse.apply(x, 0, y, 0);
    assertArrayEquals(new double[] {4.0, -1.0, 20.25}, y, 1e-15);
    assertAdjoint(sparse);
    assertTrue(assertThrows(ConfigException.class, () -> new SparseLinearOperator(2, 2, new int[] {2}, new int[] {0},
        new double[] {1}, 0)).getMessage().contains("(2, 0)"));
    assertTrue(assertThrows(ConfigException.class, () -> new SparseLinearOperator(2, 2, new int[] {0}, new int[] {0},
        new double[] {Double.NaN}, 0)).getMessage().contains("finite"));
  }

  @Test
  void theExactPosteriorOfABlurredRowMatchesTheSameMapGivenDense() {
    ImageShape shape = new ImageShape(1, 3, 3);
    BlurOperator blur = new BlurOperator(shape, BlurKernel.BOX.taps(3, 0), 0.3);
    DenseLinearOperator dense = new DenseLinearOperator(blur.matrix(), 0.3);
    double[] y = random(9, 5);
    io.sampleforge.diffusion.continuous.GaussianMixture prior = io.sampleforge.diffusion.continuous.GaussianMixture
        .diagonal(new double[] {0.4, 0.6}, new double[][] {random(9, 6), random(9, 7)},
            new double[][] {{1, 1, 1, 1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2, 2, 2, 2}});
    io.sampleforge.diffusion.continuous.GaussianMixture a = ExactPosterior.of(prior, new Measurement(1, blur, y));
    io.sampleforge.diffusion.continuous.GaussianMixture b = ExactPosterior.of(prior, new Measurement(1, dense, y));
    for (int k = 0; k < 2; k++) {
      assertEquals(b.weight(k), a.weight(k), 1e-12);
      assertArrayEquals(b.mean(k), a.mean(k), 1e-12);
    }
  }
}
