package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.jobs.config.SmoteJobConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.tabular.Smote;
import io.sampleforge.tabular.SmoteSettings;
import io.sampleforge.spark.tabular.SmoteResult;
import io.sampleforge.tabular.ClassPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code smote} job: config -> {@link Smote} stage -> read input -> write Parquet atomically ->
 * verify per-class counts against the plan -> {@code _manifest.json}.
 */
public final class SmoteJob {
  private static final Logger LOG = LogManager.getLogger(SmoteJob.class);

  /** What the job did, for the console summary. */
  public record Summary(String output, List<ClassPlan> plans, long dropped, Map<String, Double> seconds) {}

  private SmoteJob() {}

  public static Summary run(SparkSession spark, SmoteJobConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      Dataset<Row> input = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat(),
          cfg.csvColumns().cached()));
      try {
        return smote(spark, cfg, input, timer, out, progress);
      } finally {
        TableInput.release(input);
      }
    });
  }

  private static Summary smote(SparkSession spark, SmoteJobConfig cfg, Dataset<Row> input, io.sampleforge.jobs.run.PhaseTimer timer,
      io.sampleforge.jobs.io.AtomicOutput out, io.sampleforge.jobs.run.ProgressListener progress) {
    SmoteSettings settings = cfg.settings();
    SmoteResult result = timer.time("plan+neighbors", () -> Smote.run(input, settings));
    for (ClassPlan p : result.plans()) {
      p.warnings().forEach(w -> LOG.warn("{}", w));
    }
    if (result.droppedInvalidRows() > 0) {
      LOG.warn("dropped {} rows with a null label or null/NaN/infinite features (on_invalid: drop)", result.droppedInvalidRows());
    }
    long expected = result.plans().stream().mapToLong(ClassPlan::after).sum();
    progress.totalRows(expected);
    timer.time("generate+write", () -> withoutFeatureDictionaries(ParquetOutput.writer(result.output()), settings.featureCols())
        .parquet(out.staging()));
    Map<String, Long> written = timer.time("verify", () -> countByClass(spark.read().parquet(out.staging()), cfg.label()));
    verifyCounts(result.plans(), written);
    Manifest manifest = new Manifest()
        .put("job", "smote")
        .put("config", io.sampleforge.jobs.config.ConfigLoader.json().valueToTree(cfg))
        .put("seed", cfg.seed())
        .put("input", cfg.input())
        .put("output", cfg.output())
        .put("counts", countsTable(result.plans()))
        .put("dropped_invalid_rows", result.droppedInvalidRows())
        .put("warnings", warnings(result.plans()))
        .put("versions", Manifest.versions(spark.version()))
        .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark))
        .put("seconds", timer.seconds());
    manifest.write(out);
    out.commit();
    result.release();
    return new Summary(cfg.output(), result.plans(), result.droppedInvalidRows(), timer.seconds());
  }

  /**
   * Plain (not dictionary) Parquet encoding for the float64 feature columns: synthetic values are
   * all distinct, so a dictionary is built, overflows and is re-encoded for every page (parquet-mr's
   * per-column {@code parquet.enable.dictionary#column} setting).
   */
  static org.apache.spark.sql.DataFrameWriter<Row> withoutFeatureDictionaries(org.apache.spark.sql.DataFrameWriter<Row> w,
      List<String> features) {
    org.apache.spark.sql.DataFrameWriter<Row> out = w;
    for (String f : features) {
      out = out.option("parquet.enable.dictionary#" + f, "false");
    }
    return out;
  }

  static Map<String, Long> countByClass(Dataset<Row> df, String label) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : df.groupBy(col("`" + label + "`").cast("string")).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static void verifyCounts(List<ClassPlan> plans, Map<String, Long> written) {
    Map<String, Long> planned = new TreeMap<>();
    plans.forEach(p -> planned.put(p.label(), p.after()));
    if (!planned.equals(written)) {
      throw new IllegalStateException("count contract broken: planned " + planned + " but wrote " + written);
    }
  }

  private static List<Map<String, Object>> countsTable(List<ClassPlan> plans) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ClassPlan p : plans) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class", p.label());
      m.put("before", p.before());
      m.put("target", p.target());
      m.put("removed_by_cleaning", p.removedByCleaning());
      m.put("after", p.after());
      m.put("synthetic", p.synthetic());
      m.put("neighbors_used", p.neighbors());
      rows.add(m);
    }
    return rows;
  }

  private static List<String> warnings(List<ClassPlan> plans) {
    List<String> w = new ArrayList<>();
    plans.forEach(p -> w.addAll(p.warnings()));
    return w;
  }
}
