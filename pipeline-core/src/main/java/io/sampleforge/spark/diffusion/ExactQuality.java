package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.spark.common.ColumnNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How far a model's samples are from its exact law, for exact models (a Gaussian mixture): the first
 * {@code n} samples by (id, sample index) against n exact draws from the mixture (keyed draws of the
 * job seed under keys no request uses), compared in model space (standardised columns for a fitted
 * model): MMD^2 with its permutation threshold (200 permutations, level 0.01; {@link
 * SampleDistance#mmd}) and the sliced Wasserstein-1 distance (64 directions). Cost: a top-n sort of the
 * output, then O(n^2 D) time and O(n^2) memory on the driver (n <= 2,000).
 */
public final class ExactQuality {
  private ExactQuality() {}

  /** The metrics as an ordered map (the manifest's {@code stats.quality}). */
  public static Map<String, Object> of(Dataset<Row> written, String idColumn, GaussianModelSpec model,
      GaussianMixture prior, int n, long seed) {
    List<String> columns = model.columns();
    Column[] values = columns.stream().map(c -> col(ColumnNames.quoted(c))).toArray(Column[]::new);
    List<Row> rows = written.orderBy(col(ColumnNames.quoted(idColumn)), col(GaussianSampling.SAMPLE_INDEX))
        .limit(n).select(values).collectAsList();
    int count = rows.size();
    int d = columns.size();
    Standardisation s = model.standardisation();
    double[] mean = s.mean();
    double[] scale = s.scale();
    double[] x = new double[count * d];
    for (int r = 0; r < count; r++) {
      for (int i = 0; i < d; i++) {
        x[r * d + i] = (rows.get(r).getDouble(i) - mean[i]) / scale[i];
      }
    }
    SampleKey[] keys = new SampleKey[count];
    for (int r = 0; r < count; r++) {
      keys[r] = new SampleKey(Long.MIN_VALUE + r, 0); // xxhash64 of a request id could collide, but not by design
    }
    double[] exact = new GaussianDraws(seed).exactSamples(prior, keys);
    SampleDistance.MmdTest t = SampleDistance.mmd(x, exact, d, 200, 0.01, seed);
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("samples", count);
    q.put("mmd2", t.mmd2());
    q.put("mmd2_threshold", t.threshold());
    q.put("mmd_p_value", t.pValue());
    q.put("mmd_bandwidth", t.bandwidth());
    q.put("indistinguishable_at_level", t.rejects() ? null : t.level());
    q.put("sliced_wasserstein", SampleDistance.slicedWasserstein(x, exact, d, 64, seed));
    q.put("space", s.isIdentity() ? "table units" : "standardised columns");
    return q;
  }
}
