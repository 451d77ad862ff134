package io.sampleforge.diffusion.discrete;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Pearson's chi-square goodness of fit of counts to an exact law, with the cells whose expected
 * count is below 5 pooled into one cell (the usual validity rule); the p-value is the upper tail of
 * the chi-square distribution with (cells after pooling - 1) degrees of freedom (commons-math3).
 */
record ChiSquare(double statistic, int degreesOfFreedom, double pValue) {
  static ChiSquare of(long[] counts, double[] law) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double statistic = 0;
    int cells = 0;
    double pooledExpected = 0;
    long pooledCount = 0;
    for (int i = 0; i < law.length; i++) {
      double e = n * law[i];
      if (e < 5) {
        pooledExpected += e;
        pooledCount += counts[i];
        continue;
      }
      statistic += (counts[i] - e) * (counts[i] - e) / e;
      cells++;
    }
    if (pooledExpected > 0) {
      statistic += (pooledCount - pooledExpected) * (pooledCount - pooledExpected) / pooledExpected;
      cells++;
    } else if (pooledCount > 0) {
      return new ChiSquare(Double.POSITIVE_INFINITY, Math.max(1, cells - 1), 0);
    }
    int df = cells - 1;
    double p = statistic == Double.POSITIVE_INFINITY ? 0 : 1 - new ChiSquaredDistribution(df).cumulativeProbability(statistic);
    return new ChiSquare(statistic, df, p);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "chi-square %.2f on %d dof, p = %.3g", statistic, degreesOfFreedom, pValue);
  }
}
