package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a row's sampling score s_i is computed (the closed set of the {@code coreset} job's {@code method}).
 *
 * <ul>
 *   <li>{@link #LEVERAGE}: the statistical leverage tau_i = a_i^T (A^T A)^{-1} a_i (Drineas, Mahoney and
 *       Muthukrishnan 2006); sums to d; the l2 subspace-embedding scores.</li>
 *   <li>{@link #RIDGE_LEVERAGE}: tau_i(lambda) = a_i^T (A^T A + lambda I)^{-1} a_i (Alaoui and Mahoney 2015);
 *       sums to the effective dimension, at most d.</li>
 *   <li>{@link #LEWIS}: the l_p Lewis weights w_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2} by the
 *       fixed-point iteration of Cohen and Peng ("l_p row sampling by Lewis weights", STOC 2015), p &lt; 4;
 *       sum to d.</li>
 *   <li>{@link #ROOT_LEVERAGE}: tau_i^{p/2} for p in [1, 2] (the square root of the leverage at p = 1),
 *       the cheaper sampler analysed by Woodruff and Yasuda, "Sharper Bounds for l_p Sensitivity
 *       Sampling" (ICML 2023): about d rows for p in [1, 2) from one leverage computation.</li>
 *   <li>{@link #UNIFORM}: s_i = 1, the baseline.</li>
 * </ul>
 */
public enum CoresetMethod {
  LEVERAGE("leverage"),
  RIDGE_LEVERAGE("ridge-leverage"),
  LEWIS("lewis"),
  ROOT_LEVERAGE("root-leverage"),
  UNIFORM("uniform");

  private final String id;

  CoresetMethod(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Whether the scores need the d x d Gram factor (every method but uniform). */
  public boolean needsFactor() {
    return this != UNIFORM;
  }

  /** Whether the unregularised Gram matrix must be invertible (needs d &lt;= n and full column rank). */
  public boolean needsFullRank() {
    return this == LEVERAGE || this == LEWIS || this == ROOT_LEVERAGE;
  }

  public static CoresetMethod parse(String text) {
    for (CoresetMethod m : values()) {
      if (m.id.equals(text)) {
        return m;
      }
    }
    throw ConfigException.of("method", "must be one of "
        + Arrays.stream(values()).map(CoresetMethod::id).collect(Collectors.joining(" | ")), "'" + text + "'");
  }
}
