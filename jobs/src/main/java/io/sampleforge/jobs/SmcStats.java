package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.avg;

import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.diffusion.GaussianSampling;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The manifest's {@code stats.smc} for a run with Feynman-Kac corrector SMC: the particle count, the
 * number of groups, the smallest per-group minimum ESS fraction and its mean over groups, and how many
 * groups' ESS fell below 10 % of K at some step (weight degeneracy worth a larger K). One aggregation
 * over the written output.
 */
final class SmcStats {
  private SmcStats() {}

  static Map<String, Object> of(Dataset<Row> written, String idColumn, int particles) {
    Dataset<Row> groups = written.groupBy(col(ColumnNames.quoted(idColumn)),
        floor(col(GaussianSampling.SAMPLE_INDEX).divide(lit(particles))).as("g"))
        .agg(first(col(GaussianSampling.ESS_MIN)).as("ess"));
    Row r = groups.agg(count(lit(1)), min("ess"), avg("ess"), sum(when(col("ess").lt(0.1), 1).otherwise(0))).first();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("particles", particles);
    m.put("groups", r.getLong(0));
    m.put("ess_min", r.isNullAt(1) ? null : r.getDouble(1));
    m.put("ess_mean_of_group_min", r.isNullAt(2) ? null : r.getDouble(2));
    m.put("groups_below_0_1", r.isNullAt(3) ? 0L : r.getLong(3));
    return m;
  }
}
