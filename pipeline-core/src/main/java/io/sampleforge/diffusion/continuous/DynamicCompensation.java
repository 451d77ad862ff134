package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.List;

/**
 * DC-Solver's dynamic compensation (Zhao, Wang, Rao, Zhou and Lu, "DC-Solver: Improving
 * Predictor-Corrector Diffusion Sampler via Dynamic Compensation", ECCV 2024; reference
 * wl-zhao/DC-Solver {@code scheduling_dcsolver_multistep.py}) for multistep UniPC: before the predictor of
 * step i, the newest data prediction m_i is replaced by the Lagrange interpolation of the last
 * q = min(dc_order + 1, 4) predictions, in the model time t, at t' = rho_i (t_i - t_{i-1}) + t_{i-1}; rho_i = 1
 * leaves it unchanged. The replaced value stays in the history (the next corrector and the later predictors
 * use it), as in the reference. The ratios are given (one per step); fitting them to a fine reference
 * trajectory is a benchmark-side tool ({@code DcRatioSearch} in the benchmarks module), as is the
 * reference's cascade polynomial regression. A ratio other than 1 needs q earlier predictions: steps
 * i < q - 1 must have rho_i = 1 (the reference searches only from step 2 with dc_order 2). Cost: O(q^2 + q rows
 * D) per compensated step, no model call.
 *
 * @param order {@code dc_order}, 1 to 3 (the reference's default 2: quadratic interpolation of 3 outputs)
 * @param ratios {@code dc_ratios}, one rho per solver step (empty: off)
 */
public record DynamicCompensation(int order, List<Double> ratios) implements Serializable {
  /** No compensation. */
  public static final DynamicCompensation OFF = new DynamicCompensation(2, List.of());

  public DynamicCompensation {
    if (order < 1 || order > 3) {
      throw ConfigException.of("dc_order", "must be 1, 2 or 3 (interpolation of dc_order + 1 predictions)", order);
    }
    if (ratios == null) {
      throw ConfigException.of("dc_ratios", "is required (may be empty: off)", null);
    }
    for (int i = 0; i < ratios.size(); i++) {
      Double r = ratios.get(i);
      if (r == null || !Double.isFinite(r)) {
        throw ConfigException.of("dc_ratios", "must be finite numbers (entry " + i + ")", r);
      }
      if (i < order && r != 1.0) {
        throw ConfigException.of("dc_ratios", "must be 1 at steps 0 .. " + (order - 1) + " (compensating step " + i
            + " needs " + (order + 1) + " earlier predictions; dc_order is " + order + ")", r);
      }
    }
    ratios = List.copyOf(ratios);
  }

  /** Whether any step is compensated. */
  public boolean enabled() {
    return !ratios.isEmpty();
  }

  /** Refuses ratios whose count is not the number of solver steps (exit 2 naming {@code dc_ratios}). */
  public void checkSteps(int steps) {
    if (enabled() && ratios.size() != steps) {
      throw ConfigException.of("dc_ratios", "must hold one ratio per solver step (" + steps + ")", ratios.size()
          + " ratios");
    }
  }

  /** The number of predictions interpolated, q = min(dc_order + 1, 4). */
  public int points() {
    return Math.min(order + 1, 4);
  }

  /** The ratio of step i (1 when off). */
  public double ratio(int step) {
    return enabled() ? ratios.get(step) : 1.0;
  }

  /**
   * The compensated newest prediction: the Lagrange interpolant through ({@code times[k]}, {@code
   * predictions[k]}) for k < q (newest first) at t' = rho (times[0] - times[1]) + times[1].
   */
  public static double[] interpolate(double[][] predictions, double[] times, int points, double rho) {
    double target = rho * (times[0] - times[1]) + times[1];
    double[] out = new double[predictions[0].length];
    for (int i = 0; i < points; i++) {
      double weight = 1;
      for (int j = 0; j < points; j++) {
        if (j != i) {
          weight *= (target - times[j]) / (times[i] - times[j]);
        }
      }
      double[] p = predictions[i];
      for (int c = 0; c < out.length; c++) {
        out[c] += weight * p[c];
      }
    }
    return out;
  }
}
