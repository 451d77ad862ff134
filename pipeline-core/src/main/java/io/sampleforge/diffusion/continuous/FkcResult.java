package io.sampleforge.diffusion.continuous;

/**
 * The output of {@link FkcSampler}: for G groups of K particles each (row g * K + p is particle p of
 * group g, in the order of the group keys given),
 *
 * @param samples the particles, flat row-major [G * K, D]
 * @param weights each particle's normalised weight within its group (sums to 1 per group; 1 / K after a
 *     final resample)
 * @param lineage the index (in [0, K)) of the initial particle each output particle descends from
 * @param essTrace essTrace[g][i]: group g's effective sample size after step i's weight update, before
 *     any resampling (N entries; the last one is the output's ESS before a final resample)
 * @param resamplings per group, how many times it was resampled (the final resample included)
 * @param groups G
 * @param particles K
 * @param dimension D
 * @param modelCalls the network evaluations: N steps times M experts (each call covers all G * K rows)
 */
public record FkcResult(double[] samples, double[] weights, int[] lineage, double[][] essTrace, int[] resamplings,
    int groups, int particles, int dimension, int modelCalls) {
  /** Row r (= g * K + p) as a fresh array. */
  public double[] row(int r) {
    return java.util.Arrays.copyOfRange(samples, r * dimension, (r + 1) * dimension);
  }

  /** The weighted estimate sum_p w_p f(x_p) of group g for a coordinate function given as values per row. */
  public double groupAverage(int g, double[] valuePerRow) {
    double s = 0;
    for (int p = 0; p < particles; p++) {
      s += weights[g * particles + p] * valuePerRow[g * particles + p];
    }
    return s;
  }
}
