package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.training.OneHotEncoding;

/**
 * One sample's value columns in an output row: the D model values (already in the table's units) as
 * doubles, or, for a model with one-hot categorical columns, its numeric values then each categorical
 * column's argmax level ({@link OneHotEncoding#decode}). Cost: O(D) per sample.
 */
final class SampleValues {
  private SampleValues() {}

  /** Writes the sample at {@code samples[offset .. offset + d)} into {@code values} from index {@code at}. */
  static void put(double[] samples, int offset, int d, OneHotEncoding oneHot, Object[] values, int at) {
    if (oneHot == null) {
      for (int i = 0; i < d; i++) {
        values[at + i] = samples[offset + i];
      }
      return;
    }
    OneHotEncoding.Decoded row = oneHot.decode(new double[][] {java.util.Arrays.copyOfRange(samples, offset,
        offset + d)});
    int numeric = row.numeric()[0].length;
    for (int i = 0; i < numeric; i++) {
      values[at + i] = row.numeric()[0][i];
    }
    for (int i = 0; i < row.categorical()[0].length; i++) {
      values[at + numeric + i] = row.categorical()[0][i];
    }
  }
}
