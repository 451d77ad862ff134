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

  /**
   * The metrics as an ordered map (the manifest's {@code stats.quality}) for samples with class labels in
   * {@code labelColumn} (null: unlabelled samples, whose law is the model's prior). A labelled sample's exact law is its class's mixture at guidance scale 1 (the marginal for a
   * null label) and the marginal at scale 0; other scales have no exact target (the map says so).
   */
  public static Map<String, Object> of(Dataset<Row> written, String idColumn, String labelColumn, double guidanceScale,
      GaussianModelSpec model, int n, long seed) {
    return of(written, idColumn, labelColumn, guidanceScale, null, model, n, seed);
  }

  /**
   * As {@link #of(Dataset, String, String, double, GaussianModelSpec, int, long)}; with {@code conditions}
   * (continuous conditioning, null: none) each sample's exact law is the mixture conditioned on its row's
   * condition values: the exact draw of row r takes those values and a draw of the other columns from
   * {@link RequestConditions#conditional}, so the two samples share their condition columns and the
   * distances measure the conditional laws.
   */
  public static Map<String, Object> of(Dataset<Row> written, String idColumn, String labelColumn, double guidanceScale,
      RequestConditions conditions, GaussianModelSpec model, int n, long seed) {
    if (labelColumn != null && guidanceScale != 0 && guidanceScale != 1) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("skipped", "guidance_scale " + guidanceScale + " targets p_c^w p^(1-w), which has no exact diffusion "
          + "sampler to compare with (scales 0 and 1 do)");
      return q;
    }
    List<String> columns = model.columns();
    List<Column> selected = new java.util.ArrayList<>();
    columns.forEach(c -> selected.add(col(ColumnNames.quoted(c))));
    if (labelColumn != null) {
      selected.add(col(ColumnNames.quoted(labelColumn)));
    }
    List<Row> rows = written.orderBy(col(ColumnNames.quoted(idColumn)), col(GaussianSampling.SAMPLE_INDEX))
        .limit(n).select(selected.toArray(new Column[0])).collectAsList();
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
    int k = model.numClasses();
    Map<Integer, List<Integer>> byLaw = new java.util.TreeMap<>();
    for (int r = 0; r < count; r++) {
      int law = labelColumn == null || guidanceScale == 0 || rows.get(r).isNullAt(d) ? k : rows.get(r).getInt(d);
      byLaw.computeIfAbsent(law, l -> new java.util.ArrayList<>()).add(r);
    }
    double[] exact = new double[count * d];
    GaussianDraws draws = new GaussianDraws(seed);
    if (conditions != null) {
      GaussianMixture joint = model.exactPrior().orElseThrow();
      for (int r = 0; r < count; r++) {
        double[] values = new double[conditions.names().size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = rows.get(r).getDouble(conditions.modelIndex(i));
        }
        double[] drawn = draws.exactSamples(conditions.conditional(joint, s, values),
            new SampleKey[] {new SampleKey(Long.MIN_VALUE + r, 0)});
        int next = 0;
        for (int j = 0; j < d; j++) {
          exact[r * d + j] = conditions.isCondition(j) ? x[r * d + j] : drawn[next++];
        }
      }
      byLaw.clear();
    }
    for (Map.Entry<Integer, List<Integer>> e : byLaw.entrySet()) {
      List<Integer> members = e.getValue();
      SampleKey[] keys = new SampleKey[members.size()];
      for (int i = 0; i < keys.length; i++) {
        // xxhash64 of a request id could collide with these keys, but not by design
        keys[i] = new SampleKey(Long.MIN_VALUE + members.get(i), 0);
      }
      GaussianMixture law = model.exactPrior(e.getKey()).orElseThrow();
      double[] drawn = draws.exactSamples(law, keys);
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(drawn, i * d, exact, members.get(i) * d, d);
      }
    }
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
    if (conditions != null) {
      q.put("exact_law", "each sample's mixture conditioned on its condition columns " + conditions.names());
    }
    if (labelColumn != null) {
      q.put("exact_law", guidanceScale == 0 ? "the marginal mixture (guidance_scale 0)"
          : "each sample's class mixture (guidance_scale 1; null label: the marginal)");
    }
    return q;
  }
}
