package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.stddev_pop;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code model.type: gmm-fit}: Spark MLlib's {@link GaussianMixture} (EM, full covariances) fitted to
 * a table's numeric columns after standardising each to mean 0 and population standard deviation 1
 * (the model space the diffusion runs in; samples are mapped back to the table's units). Every row
 * must have finite values in the columns (no row is dropped: a null or NaN is exit 3, as is a constant
 * column). For determinism the rows are put in one partition in a content-defined order before the
 * fit (MLlib's initialisation samples rows with the seed, and its sums depend on the partition
 * layout), so the fitted mixture is a function of the rows, k, the iterations, the tolerance and the
 * seed. Cost: two passes for the statistics, then MLlib's O(n k D^2) per EM iteration on one task.
 */
public final class MixtureFit {
  private MixtureFit() {}

  /** The fit's settings: k >= 2 components (MLlib's rule), max_iter >= 1, tol >= 0. */
  public record Settings(int components, int maxIterations, double tolerance, long seed) {
    public Settings {
      if (components < 2) {
        throw ConfigException.of("model.components", "must be >= 2 (Spark MLlib's GaussianMixture needs k > 1)",
            components);
      }
      if (maxIterations < 1) {
        throw ConfigException.of("model.max_iter", "must be >= 1", maxIterations);
      }
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw ConfigException.of("model.tol", "must be finite and >= 0", tolerance);
      }
    }
  }

  /** Fits the mixture; {@code source} names the table for the model's identity. */
  public static MixtureModelSpec fit(Dataset<Row> table, List<String> columns, Settings settings, String source) {
    Dataset<Row> ordered = NumericRows.ordered(table, columns, "model.columns").cache();
    try {
      return fitOrdered(ordered, columns, settings, source);
    } finally {
      ordered.unpersist();
    }
  }

  private static MixtureModelSpec fitOrdered(Dataset<Row> ordered, List<String> columns, Settings settings,
      String source) {
    int d = columns.size();
    String[] raw = ordered.columns();
    List<Column> aggs = new ArrayList<>();
    for (String c : raw) {
      aggs.add(mean(col(c)));
      aggs.add(stddev_pop(col(c)));
    }
    Row stats = ordered.agg(count(org.apache.spark.sql.functions.lit(1)), aggs.toArray(new Column[0])).first();
    long rows = stats.getLong(0);
    if (rows <= settings.components()) {
      throw InputDataException.of("model.table", "must have more rows than model.components (" + settings.components()
          + ")", rows + " rows");
    }
    double[] mu = new double[d];
    double[] sd = new double[d];
    for (int i = 0; i < d; i++) {
      mu[i] = stats.getDouble(1 + 2 * i);
      sd[i] = stats.getDouble(2 + 2 * i);
      if (!(sd[i] > 0)) {
        throw InputDataException.of(columns.get(i), "(a model.columns entry) must not be constant (it cannot be "
            + "standardised)", "every row is " + mu[i]);
      }
    }
    Column[] standardised = new Column[d];
    String[] names = new String[d];
    for (int i = 0; i < d; i++) {
      names[i] = "__sf_z" + i;
      standardised[i] = col(raw[i]).minus(mu[i]).divide(sd[i]).as(names[i]);
    }
    Dataset<Row> z = ordered.select(standardised);
    Dataset<Row> features = new VectorAssembler().setInputCols(names).setOutputCol("__sf_features").transform(z);
    GaussianMixtureModel fitted = new GaussianMixture().setK(settings.components()).setMaxIter(settings.maxIterations())
        .setTol(settings.tolerance()).setSeed(settings.seed()).setFeaturesCol("__sf_features")
        .setPredictionCol("__sf_prediction").setProbabilityCol("__sf_probability").fit(features);
    int k = fitted.getK();
    double[] weights = fitted.weights().clone();
    double[][] means = new double[k][d];
    double[][][] covs = new double[k][d][d];
    for (int c = 0; c < k; c++) {
      Vector m = fitted.gaussians()[c].mean();
      Matrix s = fitted.gaussians()[c].cov();
      for (int i = 0; i < d; i++) {
        means[c][i] = m.apply(i);
        for (int j = 0; j < d; j++) {
          covs[c][i][j] = 0.5 * (s.apply(i, j) + s.apply(j, i));
        }
      }
    }
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("type", "gmm-fit");
    identity.put("table", source);
    identity.put("rows", rows);
    identity.put("max_iter", settings.maxIterations());
    identity.put("tol", settings.tolerance());
    identity.put("fit_seed", settings.seed());
    identity.put("log_likelihood", fitted.summary().logLikelihood());
    return new MixtureModelSpec(columns, weights, means, covs, null, new Standardisation(mu, sd), identity);
  }
}
