package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.posterior.ExactPosterior;
import io.sampleforge.diffusion.posterior.MaskOperator;
import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Continuous conditioning of the {@code diffuse} job ({@code condition_columns}): an exact Gaussian-mixture
 * model over all its columns is a joint prior over (conditions c, the rest x); a request with values c
 * asks for samples of p(x | c), again a Gaussian mixture (component weights times N(c; mu_c, Sigma_cc),
 * means mu_x + Sigma_xc Sigma_cc^-1 (c - mu_c), covariances Sigma_xx - Sigma_xc Sigma_cc^-1 Sigma_cx;
 * {@link ExactPosterior#missingGivenObserved} with an exact mask). Everything runs in the model's space: a
 * standardised model maps c to (c - mean) / scale first. Cost: O(K (k^3 + k^2 D)) per request (k
 * conditions), computed once per request and batch (a bounded cache).
 */
public final class RequestConditions implements Serializable {
  private static final long serialVersionUID = 1L;
  private final List<String> columns;
  private final boolean[] conditioned;
  private final int[] conditionIndex;

  private RequestConditions(List<String> columns, boolean[] conditioned, int[] conditionIndex) {
    this.columns = columns;
    this.conditioned = conditioned;
    this.conditionIndex = conditionIndex;
  }

  /**
   * The conditions {@code names} (in the request table's order) of {@code model}; exit 2 naming {@code
   * condition_columns} unless the model is an exact mixture holding every name and at least one other column.
   */
  public static RequestConditions of(List<String> names, GaussianModelSpec model) {
    if (names == null || names.isEmpty()) {
      throw ConfigException.of("condition_columns", "must name at least one column", names);
    }
    if (!(model instanceof MixtureModelSpec) || model.exactPrior().isEmpty() || model.numClasses() > 0) {
      throw ConfigException.of("condition_columns", "needs an unconditional exact Gaussian-mixture model (model.type gmm "
          + "or gmm-fit over the conditions and the sampled columns: p(x | c) is then exact); exported and trained "
          + "networks take no continuous conditions yet", model.identity().get("type"));
    }
    List<String> cols = model.columns();
    boolean[] flags = new boolean[cols.size()];
    int[] index = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      int j = cols.indexOf(names.get(i));
      if (j < 0) {
        throw ConfigException.of("condition_columns", "must be columns of the model " + cols + " (the joint prior)",
            names.get(i));
      }
      if (flags[j]) {
        throw ConfigException.of("condition_columns", "must not repeat a column", names.get(i));
      }
      flags[j] = true;
      index[i] = j;
    }
    if (names.size() == cols.size()) {
      throw ConfigException.of("condition_columns", "must leave at least one model column to sample", names);
    }
    return new RequestConditions(List.copyOf(names), flags, index);
  }

  /** The condition columns, in the request table's order. */
  public List<String> names() {
    return columns;
  }

  /** The number of sampled (unconditioned) model columns. */
  public int sampledDimension() {
    return conditioned.length - columns.size();
  }

  /** The model index of condition i. */
  public int modelIndex(int i) {
    return conditionIndex[i];
  }

  /** Whether model column j is a condition. */
  public boolean isCondition(int j) {
    return conditioned[j];
  }

  /**
   * p(x | c) in model space for the condition values {@code values} (table units, in {@link #names()}
   * order) under the model's mixture {@code prior} and standardisation.
   */
  public GaussianMixture conditional(GaussianMixture prior, Standardisation standardisation, double[] values) {
    double[] mean = standardisation.mean();
    double[] scale = standardisation.scale();
    double[] observed = new double[columns.size()];
    // the mask's observed values come in increasing model order
    List<Integer> order = new ArrayList<>();
    for (int j = 0; j < conditioned.length; j++) {
      if (conditioned[j]) {
        order.add(j);
      }
    }
    for (int i = 0; i < observed.length; i++) {
      int j = order.get(i);
      int at = 0;
      while (conditionIndex[at] != j) {
        at++;
      }
      observed[i] = (values[at] - mean[j]) / scale[j];
    }
    return ExactPosterior.missingGivenObserved(prior, new MaskOperator(conditioned.clone(), 0.0), observed);
  }
}
