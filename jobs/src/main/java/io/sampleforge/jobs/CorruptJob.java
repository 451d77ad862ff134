package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.CorruptConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.diffusion.Corrupting;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code corrupt} job: read the clean table -> {@link Corrupting} (keyed measurements, one row per
 * row) -> write atomically -> count what was corrupted and masked from the written output -> {@code
 * _manifest.json}. The output is the measurement table the posterior samplers take.
 */
public final class CorruptJob {
  private CorruptJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, long rows, long corrupted, double maskedCellFraction, long rowsWithoutObserved,
      Map<String, Object> operator, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, CorruptConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      Corruption corruption = cfg.corruption();
      Dataset<Row> table = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat(), cfg.csvColumns()));
      Dataset<Row> measured = timer.time("validate", () -> Corrupting.measure(table, cfg.idColumn(), cfg.columns(),
          corruption, cfg.keepClean(), cfg.seed()));
      timer.time("corrupt+write", () -> {
        switch (cfg.format()) {
          case PARQUET -> ParquetOutput.writer(measured).parquet(out.staging());
          case CSV, TSV -> measured.withColumn(Corrupting.OBSERVED,
                  org.apache.spark.sql.functions.to_json(col(Corrupting.OBSERVED))).write().option("header", "true")
              .option("sep", cfg.format() == io.sampleforge.jobs.config.TableFormat.TSV ? "\t" : ",")
              .csv(out.staging());
        }
      });
      Dataset<Row> written = switch (cfg.format()) {
        case PARQUET -> spark.read().parquet(out.staging());
        case CSV, TSV -> spark.read().option("header", "true")
            .option("sep", cfg.format() == io.sampleforge.jobs.config.TableFormat.TSV ? "\t" : ",")
            .csv(out.staging());
      };
      Row stats = timer.time("verify", () -> {
        org.apache.spark.sql.Column observedCells = cfg.format() == io.sampleforge.jobs.config.TableFormat.PARQUET
            ? org.apache.spark.sql.functions.size(org.apache.spark.sql.functions.filter(col(Corrupting.OBSERVED),
                x -> x))
            : org.apache.spark.sql.functions.size(org.apache.spark.sql.functions.filter(
                org.apache.spark.sql.functions.from_json(col(Corrupting.OBSERVED),
                    org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.BooleanType)), x -> x));
        return written.agg(count(lit(1)),
            sum(when(col(Corrupting.CORRUPTED).cast("boolean"), 1).otherwise(0)),
            sum(observedCells.cast("long")),
            sum(when(observedCells.equalTo(0), 1).otherwise(0))).first();
      });
      long rows = stats.getLong(0);
      long corrupted = rows == 0 ? 0 : stats.getLong(1);
      long observed = rows == 0 ? 0 : stats.getLong(2);
      long cells = rows * corruption.outputDimension(cfg.columns().size());
      double masked = cells == 0 ? 0 : 1.0 - (double) observed / cells;
      long empty = rows == 0 ? 0 : stats.getLong(3);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("rows", rows);
      s.put("corrupted_rows", corrupted);
      s.put("clean_rows", rows - corrupted);
      s.put("masked_cell_fraction", masked);
      s.put("rows_without_observed_cells", empty);
      new Manifest().put("job", "corrupt").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("operator", corruption.describe())
          .put("stats", s).put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), rows, corrupted, masked, empty, corruption.describe(), timer.seconds());
    });
  }
}
