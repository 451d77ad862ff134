package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.sampleforge.coreset.CoresetSampling;
import io.sampleforge.coreset.CoresetSettings;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.CoresetJobConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.coreset.CoresetResult;
import io.sampleforge.spark.coreset.CoresetStage;
import io.sampleforge.spark.coreset.CoresetStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code coreset} job: config -> read -> {@link CoresetStage} (cached matrix, Gram passes, scores,
 * keyed draws) -> write the sampled rows with score and weight atomically -> count them back ->
 * {@code _manifest.json} with S, the expected and realised sizes and the Lewis iteration record.
 */
public final class CoresetJob {

  /** What the job did, for the console summary. */
  public record Summary(String output, CoresetStats stats, long realisedRows, long draws, Map<String, Double> seconds) {}

  private CoresetJob() {}

  public static Summary run(SparkSession spark, CoresetJobConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      CoresetSettings s = cfg.settings();
      Dataset<Row> input = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat(), cfg.csvColumns()));
      CoresetResult result = timer.time("scores", () -> CoresetStage.run(input, s));
      progress.totalRows(Math.round(result.stats().expectedSize()));
      timer.time("sample+write", () -> ParquetOutput.writer(result.rows()).parquet(out.staging()));
      Dataset<Row> written = spark.read().parquet(out.staging());
      Row counts = timer.time("verify", () -> s.sampling() == CoresetSampling.WITH_REPLACEMENT
          ? written.agg(org.apache.spark.sql.functions.count("*"), sum(col(CoresetSettings.DRAWS))).first()
          : written.agg(org.apache.spark.sql.functions.count("*")).first());
      long rows = counts.getLong(0);
      long draws = s.sampling() == CoresetSampling.WITH_REPLACEMENT ? (counts.isNullAt(1) ? 0 : counts.getLong(1)) : rows;
      if (s.sampling() == CoresetSampling.WITH_REPLACEMENT && draws != s.m()) {
        throw new IllegalStateException("draw contract broken: m = " + s.m() + " but the output holds " + draws + " draws");
      }
      CoresetStats st = result.stats();
      Map<String, Object> sizes = new LinkedHashMap<>();
      sizes.put("input_rows", st.rows());
      sizes.put("columns", st.columns());
      sizes.put("m", s.m());
      sizes.put("expected_size", st.expectedSize());
      sizes.put("realised_rows", rows);
      sizes.put("realised_draws", draws);
      Map<String, Object> scores = new LinkedHashMap<>();
      scores.put("method", s.method().id());
      scores.put("sum_scores", st.scoreTotal());
      scores.put("max_score", st.maxScore());
      scores.put("gram_passes", st.gramPasses());
      if (!Double.isNaN(st.lewisChange())) {
        scores.put("lewis_iterations", st.gramPasses());
        scores.put("lewis_last_relative_change", st.lewisChange());
      }
      if (st.sketchRows() > 0) {
        Map<String, Object> sketch = new LinkedHashMap<>();
        sketch.put("kind", s.sketch().id());
        sketch.put("rows", st.sketchRows());
        sketch.put("checked", st.sketchError().measured());
        if (st.sketchError().measured()) {
          sketch.put("distortion_min", st.sketchError().distortionMin());
          sketch.put("distortion_max", st.sketchError().distortionMax());
          sketch.put("leverage_relative_error_bound", st.sketchError().leverageRelativeErrorBound());
        }
        scores.put("sketch", sketch);
      }
      new Manifest()
          .put("job", "coreset")
          .put("config", ConfigLoader.json().valueToTree(cfg))
          .put("seed", cfg.seed())
          .put("input", cfg.input())
          .put("output", cfg.output())
          .put("sampling", s.sampling().id())
          .put("sizes", sizes)
          .put("scores", scores)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark))
          .put("seconds", timer.seconds())
          .write(out);
      out.commit();
      result.release();
      return new Summary(cfg.output(), st, rows, draws, timer.seconds());
    });
  }
}
