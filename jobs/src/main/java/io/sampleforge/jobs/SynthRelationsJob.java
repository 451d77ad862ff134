package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.SynthRelationsConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.common.SyntheticTables;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The {@code synth-relations} job: a deterministic skewed relation table (GME input), written atomically. */
public final class SynthRelationsJob {
  private SynthRelationsJob() {}

  /** Where it went and how many relations it holds. */
  public record Summary(String output, long relations, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, SynthRelationsConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      Dataset<Row> df = SyntheticTables.relations(spark, cfg.spec(), cfg.partitions());
      timer.time("generate+write", () -> {
        switch (cfg.format()) {
          case PARQUET -> ParquetOutput.writer(df).parquet(out.staging());
          case CSV -> df.write().option("header", "true").csv(out.staging());
          case TSV -> df.write().option("header", "true").option("sep", "\t").csv(out.staging());
        }
      });
      long relations = 0;
      for (long i = 0; i < cfg.items(); i++) {
        relations += cfg.spec().relations(i);
      }
      new Manifest().put("job", "synth-relations").put("config", ConfigLoader.json().valueToTree(cfg))
          .put("seed", cfg.seed()).put("output", cfg.output()).put("items", cfg.items()).put("relations", relations)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), relations, timer.seconds());
    });
  }
}
