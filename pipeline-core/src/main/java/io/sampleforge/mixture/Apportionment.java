package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Largest-remainder (Hamilton, or Hare-Niemeyer) apportionment of an integer total among weighted
 * parties: each party gets the floor of its exact quota total * w_i / sum(w), and the seats left over
 * go one each to the largest remainders. Ties of remainder go to the larger weight, then to the name
 * that sorts first, so the result is a function of (weights, names, total) alone. The arithmetic is
 * exact: each double weight is taken as the exact binary fraction it is (BigDecimal), so no rounding
 * can reorder two remainders. A party with weight 0 never gets a seat. Cost: O(k log k) for k parties.
 */
public final class Apportionment {
  private Apportionment() {}

  /** Seats of each party; {@code weights} finite, non-negative, with a positive sum. */
  public static long[] hamilton(double[] weights, String[] names, long total) {
    int k = weights.length;
    if (names.length != k) {
      throw new IllegalArgumentException("one name per weight: " + names.length + " names, " + k + " weights");
    }
    if (total < 0) {
      throw ConfigException.of("target", "must be non-negative", total);
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and non-negative, got " + Arrays.toString(weights));
      }
      sum = sum.add(new BigDecimal(w));
    }
    if (sum.signum() == 0) {
      throw new IllegalArgumentException("weights must not all be zero");
    }
    long[] seats = new long[k];
    BigDecimal[] remainder = new BigDecimal[k];
    BigDecimal t = BigDecimal.valueOf(total);
    long given = 0;
    for (int i = 0; i < k; i++) {
      BigDecimal numerator = t.multiply(new BigDecimal(weights[i]));
      BigDecimal whole = numerator.divideToIntegralValue(sum);
      seats[i] = whole.longValueExact();
      remainder[i] = numerator.subtract(whole.multiply(sum));
      given += seats[i];
    }
    Integer[] order = new Integer[k];
    for (int i = 0; i < k; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer, BigDecimal>comparing(i -> remainder[i]).reversed()
        .thenComparing(Comparator.<Integer>comparingDouble(i -> weights[i]).reversed())
        .thenComparing(i -> names[i]));
    for (long left = total - given, j = 0; left > 0; left--, j++) {
      seats[order[(int) j]]++;
    }
    return seats;
  }
}
