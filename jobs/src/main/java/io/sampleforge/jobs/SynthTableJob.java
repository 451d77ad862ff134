package io.sampleforge.jobs;

import io.sampleforge.jobs.config.SynthTableConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.common.SyntheticTables;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The {@code synth-table} job: a deterministic make_classification-style table, written atomically. */
public final class SynthTableJob {
  private SynthTableJob() {}

  /** Rows per class label of the written table. */
  public record Summary(String output, Map<String, Long> counts, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, SynthTableConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      progress.totalRows(cfg.rows());
      Dataset<Row> df = SyntheticTables.classification(spark, cfg.spec(), cfg.partitions());
      timer.time("generate+write", () -> {
        switch (cfg.format()) {
          case PARQUET -> ParquetOutput.writer(df).parquet(out.staging());
          case CSV -> df.write().option("header", "true").csv(out.staging());
          case TSV -> df.write().option("header", "true").option("sep", "\t").csv(out.staging());
        }
      });
      Map<String, Long> counts = new LinkedHashMap<>();
      for (int c = 0; c < cfg.weights().size(); c++) {
        counts.put(Integer.toString(c), SyntheticTables.classSize(cfg.spec(), c));
      }
      new Manifest().put("job", "synth-table").put("config", io.sampleforge.jobs.config.ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("output", cfg.output()).put("rows", cfg.rows()).put("counts", counts)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), counts, timer.seconds());
    });
  }
}
