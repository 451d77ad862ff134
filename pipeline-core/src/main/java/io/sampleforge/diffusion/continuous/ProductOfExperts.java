package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.List;

/**
 * The target of Feynman-Kac corrector SMC ({@link FkcSampler}): a geometric product of experts
 * pi(x) proportional to p_1(x)^{b_1} ... p_M(x)^{b_M}, each expert a {@link Denoiser} of the same
 * dimension (Skreta et al., "Feynman-Kac Correctors in Diffusion: Annealing, Guidance, and Product of
 * Experts", ICML 2025, arXiv 2503.02819, section 3: product of experts b = (1, 1), the geometric
 * average / classifier-free-guidance target p_c^b p_u^(1 - b), annealing p^b). Its intermediate
 * targets are pi_t proportional to prod_m p^m_t(x)^{b_m} (the experts' own noised marginals).
 *
 * <p>At a level (alpha, sigma) with expert data predictions x0_m and scores s_m = (alpha x0_m - x) /
 * sigma^2, {@link #evaluate} returns
 * <ul>
 *   <li>the combined data prediction D = (x + sigma^2 s) / alpha = sum_m b_m x0_m + (1 - B) x / alpha,
 *       s = sum_m b_m s_m, B = sum_m b_m: the x0 whose score is the target score, which drives the
 *       reverse SDE;</li>
 *   <li>the weight integrand Q(x) = |s|^2 - sum_m b_m |s_m|^2 = sum_m (b_m^2 - b_m) |s_m|^2 + 2 sum_{m<n}
 *       b_m b_n s_m . s_n (this form is exact when the product is trivial: Q = 0 for one expert with
 *       b = 1; it is 2 s_1 . s_2 for a product of two experts and b (b - 1) |s_c - s_u|^2 for the CFG
 *       target).</li>
 * </ul>
 * Cost per level: one model call per expert (M NFE) plus O(M^2 D) per row. Validation: at least one
 * expert, equal dimensions, finite non-zero exponents with B > 0 (config key {@code smc.exponents}).
 */
public final class ProductOfExperts {
  private final Denoiser[] experts;
  private final double[] exponents;
  private final double exponentSum;

  private ProductOfExperts(Denoiser[] experts, double[] exponents, double exponentSum) {
    this.experts = experts;
    this.exponents = exponents;
    this.exponentSum = exponentSum;
  }

  /** p_1^{b_1} ... p_M^{b_M}. */
  public static ProductOfExperts of(List<Denoiser> experts, double[] exponents) {
    if (experts == null || experts.isEmpty()) {
      throw ConfigException.of("smc.experts", "must hold at least one denoiser", experts);
    }
    if (exponents == null || exponents.length != experts.size()) {
      throw ConfigException.of("smc.exponents", "must hold one exponent per expert (" + experts.size() + ")",
          exponents == null ? null : exponents.length);
    }
    int d = experts.get(0).dimension();
    double sum = 0;
    for (int m = 0; m < exponents.length; m++) {
      if (experts.get(m) == null) {
        throw ConfigException.of("smc.experts[" + m + "]", "is required", null);
      }
      if (experts.get(m).dimension() != d) {
        throw ConfigException.of("smc.experts[" + m + "]", "must have the dimension of expert 0 (" + d + ")",
            experts.get(m).dimension());
      }
      if (!Double.isFinite(exponents[m]) || exponents[m] == 0) {
        throw ConfigException.of("smc.exponents[" + m + "]", "must be finite and non-zero", exponents[m]);
      }
      sum += exponents[m];
    }
    if (!(sum > 0)) {
      throw ConfigException.of("smc.exponents", "must have a positive sum (the target must be normalisable at t = T)", sum);
    }
    return new ProductOfExperts(experts.toArray(new Denoiser[0]), exponents.clone(), sum);
  }

  /** The product p_1 p_2 of two experts. */
  public static ProductOfExperts product(Denoiser first, Denoiser second) {
    return of(Arrays.asList(first, second), new double[] {1.0, 1.0});
  }

  /**
   * The classifier-free-guidance target p_c^w p_u^(1 - w) for guidance scale w (finite): p_c alone at
   * w = 1, p_u alone at w = 0, else two experts with exponents (w, 1 - w).
   */
  public static ProductOfExperts guided(Denoiser conditional, Denoiser unconditional, double scale) {
    if (!Double.isFinite(scale)) {
      throw ConfigException.of("guidance_scale", "must be finite", scale);
    }
    if (scale == 1.0) {
      return of(Arrays.asList(conditional), new double[] {1.0});
    }
    if (scale == 0.0) {
      return of(Arrays.asList(unconditional), new double[] {1.0});
    }
    return of(Arrays.asList(conditional, unconditional), new double[] {scale, 1.0 - scale});
  }

  public int dimension() {
    return experts[0].dimension();
  }

  /** The number of experts M (model calls per level). */
  public int experts() {
    return experts.length;
  }

  /** B = sum of the exponents: the start law is N(0, I / B). */
  public double exponentSum() {
    return exponentSum;
  }

  /**
   * Calls every expert once on the rows of x at {@code level} (step {@code step} for error messages)
   * and writes the combined data prediction into {@code data} (rows x D) and Q into {@code q} (rows).
   */
  void evaluate(double[] x, int rows, NoiseLevel level, int step, double[] data, double[] q) {
    int d = dimension();
    int mm = experts.length;
    double[][] x0 = new double[mm][x.length];
    for (int m = 0; m < mm; m++) {
      ModelEvaluation.call(experts[m], x, rows, level, step, x0[m], null);
    }
    double a = level.alpha();
    double s2 = level.sigma() * level.sigma();
    double rest = 1.0 - exponentSum;
    double[][] score = new double[mm][d];
    for (int r = 0; r < rows; r++) {
      int off = r * d;
      for (int i = 0; i < d; i++) {
        double acc = 0;
        for (int m = 0; m < mm; m++) {
          acc += exponents[m] * x0[m][off + i];
          score[m][i] = (a * x0[m][off + i] - x[off + i]) / s2;
        }
        data[off + i] = rest == 0 ? acc : acc + rest * x[off + i] / a;
      }
      double total = 0;
      for (int m = 0; m < mm; m++) {
        double bm = exponents[m];
        if (bm != 1.0) {
          total += (bm * bm - bm) * dot(score[m], score[m]);
        }
        for (int n = m + 1; n < mm; n++) {
          total += 2 * bm * exponents[n] * dot(score[m], score[n]);
        }
      }
      q[r] = total;
    }
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
