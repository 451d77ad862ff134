package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.spark.common.ColumnNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code posterior} job's manifest statistics, from the written output: rows, samples, residual and
 * ESS summaries, and, where the measurement table has {@code clean_<column>} for every value column, the
 * RMSE of each row's posterior mean (over its S samples) against the clean value and the coverage of the
 * per-coordinate central 90 % interval (the 5 % and 95 % points of the S samples, Spark's interpolated
 * {@code percentile}; for {@link PosteriorRows#SUMMARY} output the row's own mean and interval columns,
 * which are the same numbers). Evaluated cells: for operator.type mask with sigma_y = 0 only the missing cells
 * (observed ones are known exactly); otherwise every cell (noisy or mapped); rows kept clean ({@code
 * corrupted} false) are left out. Cost: one aggregation by id over the output, one join with the
 * measurements, one final aggregation.
 */
public final class PosteriorQuality {
  private PosteriorQuality() {}

  /** Row, sample, residual and ESS statistics of the written output (sample rows). */
  public static Map<String, Object> stats(Dataset<Row> written, String idColumn) {
    return stats(written, idColumn, PosteriorRows.SAMPLES);
  }

  /**
   * Row, sample, residual and ESS statistics of the written output; for summary rows the samples are their
   * {@code samples} column's sum and the residuals those of the posterior means.
   */
  public static Map<String, Object> stats(Dataset<Row> written, String idColumn, PosteriorRows rows) {
    Column samples = rows == PosteriorRows.SUMMARY ? sum(col(PosteriorSampling.SAMPLES)) : count(lit(1));
    Row s = written.agg(countDistinct(col(ColumnNames.quoted(idColumn))), samples,
        avg(col(PosteriorSampling.RESIDUAL)), max(col(PosteriorSampling.RESIDUAL)),
        min(col(PosteriorSampling.ESS_MIN)), avg(col(PosteriorSampling.ESS_MIN))).first();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", s.getLong(0));
    m.put("samples", s.getLong(1));
    m.put("residual_mean", s.isNullAt(2) ? null : s.getDouble(2));
    m.put("residual_max", s.isNullAt(3) ? null : s.getDouble(3));
    if (!s.isNullAt(4)) {
      Map<String, Object> ess = new LinkedHashMap<>();
      ess.put("ess_min_fraction_min", s.getDouble(4));
      ess.put("ess_min_fraction_mean", s.getDouble(5));
      m.put("ess", ess);
    }
    return m;
  }

  /** The observed flags as array<boolean> (corrupt's CSV/TSV output holds them as JSON text). */
  private static Column observedFlags(Dataset<Row> measurements) {
    boolean json = measurements.schema().apply(Corrupting.OBSERVED).dataType()
        .equals(org.apache.spark.sql.types.DataTypes.StringType);
    return json ? org.apache.spark.sql.functions.from_json(col(Corrupting.OBSERVED),
        org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.BooleanType))
        : col(Corrupting.OBSERVED);
  }

  /** RMSE and 90 % coverage against the clean values, or null when a clean_<column> is absent (sample rows). */
  public static Map<String, Object> againstClean(Dataset<Row> written, Dataset<Row> measurements, String idColumn,
      List<String> columns, Corruption operator) {
    return againstClean(written, measurements, idColumn, columns, operator, PosteriorRows.SAMPLES);
  }

  /**
   * RMSE and 90 % coverage against the clean values, or null when a clean_<column> is absent; summary rows
   * carry each row's mean and interval already (no aggregation by id).
   */
  public static Map<String, Object> againstClean(Dataset<Row> written, Dataset<Row> measurements, String idColumn,
      List<String> columns, Corruption operator, PosteriorRows rows) {
    List<String> names = List.of(measurements.columns());
    for (String c : columns) {
      if (!names.contains(Corrupting.CLEAN_PREFIX + c)) {
        return null;
      }
    }
    String id = ColumnNames.quoted(idColumn);
    List<Column> aggs = new ArrayList<>();
    for (int j = 0; j < columns.size(); j++) {
      String q = ColumnNames.quoted(columns.get(j));
      aggs.add(avg(col(q)).as("__m" + j));
      aggs.add(expr("percentile(" + q + ", 0.05)").as("__lo" + j));
      aggs.add(expr("percentile(" + q + ", 0.95)").as("__hi" + j));
    }
    Dataset<Row> perRow = written.groupBy(col(id).as("__id")).agg(aggs.get(0), aggs.subList(1, aggs.size())
        .toArray(new Column[0]));
    if (rows == PosteriorRows.SUMMARY) {
      List<Column> summary = new ArrayList<>(List.of(col(id).as("__id")));
      for (int j = 0; j < columns.size(); j++) {
        String c = columns.get(j);
        summary.add(col(ColumnNames.quoted(c)).as("__m" + j));
        summary.add(col(ColumnNames.quoted(c + PosteriorSampling.LOWER_SUFFIX)).as("__lo" + j));
        summary.add(col(ColumnNames.quoted(c + PosteriorSampling.UPPER_SUFFIX)).as("__hi" + j));
      }
      perRow = written.select(summary.toArray(new Column[0]));
    }
    List<Column> keep = new ArrayList<>(List.of(col(id).as("__id")));
    boolean flags = names.contains(Corrupting.OBSERVED);
    boolean maskExact = operator.kind() == CorruptionKind.MASK && operator.sigmaY() == 0;
    for (int j = 0; j < columns.size(); j++) {
      String c = columns.get(j);
      keep.add(col(ColumnNames.quoted(Corrupting.CLEAN_PREFIX + c)).cast("double").as("__c" + j));
      Column evaluated = !maskExact ? lit(true)
          : flags ? not(element_at(observedFlags(measurements), j + 1)) : col(ColumnNames.quoted(c)).isNull();
      keep.add(evaluated.as("__e" + j));
    }
    Dataset<Row> truth = measurements.select(keep.toArray(new Column[0]));
    if (names.contains(Corrupting.CORRUPTED)) {
      truth = measurements.where(col(Corrupting.CORRUPTED).cast("boolean")).select(keep.toArray(new Column[0]));
    }
    Dataset<Row> joined = perRow.join(truth, "__id");
    List<Column> totals = new ArrayList<>();
    for (int j = 0; j < columns.size(); j++) {
      Column e = col("__e" + j);
      Column err = col("__m" + j).minus(col("__c" + j));
      totals.add(sum(when(e, err.multiply(err)).otherwise(0.0)));
      totals.add(sum(when(e, 1L).otherwise(0L)));
      totals.add(sum(when(e.and(col("__c" + j).geq(col("__lo" + j))).and(col("__c" + j).leq(col("__hi" + j))), 1L)
          .otherwise(0L)));
    }
    Row t = joined.agg(totals.get(0), totals.subList(1, totals.size()).toArray(new Column[0])).first();
    double sse = 0;
    long cells = 0;
    long covered = 0;
    Map<String, Object> perColumn = new LinkedHashMap<>();
    for (int j = 0; j < columns.size(); j++) {
      double s = t.isNullAt(3 * j) ? 0 : t.getDouble(3 * j);
      long n = t.isNullAt(3 * j + 1) ? 0 : t.getLong(3 * j + 1);
      long in = t.isNullAt(3 * j + 2) ? 0 : t.getLong(3 * j + 2);
      sse += s;
      cells += n;
      covered += in;
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("cells", n);
      c.put("rmse", n == 0 ? null : Math.sqrt(s / n));
      c.put("coverage_90", n == 0 ? null : (double) in / n);
      perColumn.put(columns.get(j), c);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("evaluated_cells", maskExact ? "missing cells of corrupted rows" : "every cell of corrupted rows");
    m.put("cells", cells);
    m.put("rmse", cells == 0 ? null : Math.sqrt(sse / cells));
    m.put("coverage_90", cells == 0 ? null : (double) covered / cells);
    m.put("columns", perColumn);
    return m;
  }
}
