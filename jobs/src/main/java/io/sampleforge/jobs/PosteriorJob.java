package io.sampleforge.jobs;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.DiffuseModelConfig;
import io.sampleforge.jobs.config.PosteriorConfig;
import io.sampleforge.jobs.config.TableFormat;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.diffusion.GaussianModelSpec;
import io.sampleforge.spark.diffusion.MixtureFit;
import io.sampleforge.spark.diffusion.PosteriorQuality;
import io.sampleforge.spark.diffusion.PosteriorSampling;
import io.sampleforge.spark.diffusion.PosteriorSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code posterior} job: config -> prior (the config's GMM, MLlib's fit of a clean table, an exported
 * TorchScript/ONNX denoiser or a train-denoiser folder) ->
 * read the measurements -> {@link PosteriorSampling} (validated before any task) -> write atomically
 * -> statistics of the written output (rows, samples, residuals, ESS; RMSE and 90 % coverage against
 * {@code clean_<column>} where present, {@link PosteriorQuality}) -> {@code _manifest.json}.
 */
public final class PosteriorJob {
  private PosteriorJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, Map<String, Object> stats, Map<String, Object> clean, Map<String, Object> model,
      Map<String, Object> sampler, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, PosteriorConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      Corruption operator = cfg.corruption();
      GaussianModelSpec prior = timer.time("model", () -> prior(spark, cfg));
      PosteriorSettings settings = prior instanceof io.sampleforge.spark.diffusion.TrainedDenoiserSpec t
          ? cfg.samplingSettings().withSchedule(io.sampleforge.spark.diffusion.PosteriorSchedule.trained(t.schedule()))
          : cfg.samplingSettings();
      Dataset<Row> measurements = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
      PosteriorSampling.Result result = timer.time("validate", () -> PosteriorSampling.sample(measurements,
          cfg.idColumn(), prior, operator, settings, cfg.partitions(), cfg.rows(), cfg.sigmaYColumn()));
      timer.time("sample+write", () -> {
        switch (cfg.format()) {
          case PARQUET -> ParquetOutput.writer(result.output()).parquet(out.staging());
          case CSV, TSV -> result.output().write().option("header", "true")
              .option("sep", cfg.format() == TableFormat.TSV ? "\t" : ",").csv(out.staging());
        }
      });
      Dataset<Row> written = switch (cfg.format()) {
        case PARQUET -> spark.read().parquet(out.staging());
        case CSV, TSV -> spark.read().option("header", "true").option("inferSchema", "true")
            .option("sep", cfg.format() == TableFormat.TSV ? "\t" : ",").csv(out.staging());
      };
      Map<String, Object> stats = new LinkedHashMap<>(timer.time("verify", () -> PosteriorQuality.stats(written,
          cfg.idColumn(), cfg.rows())));
      stats.put("model_calls", result.modelCalls().value());
      stats.put("unobserved_rows_from_prior", result.unobservedRows().value());
      Map<String, Object> clean = timer.time("quality", () -> PosteriorQuality.againstClean(written, measurements,
          cfg.idColumn(), result.valueColumns(), operator, cfg.rows()));
      if (clean != null) {
        stats.put("against_clean", clean);
      }
      new Manifest().put("job", "posterior").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("model", prior.identity())
          .put("operator", operator.describe()).put("sampler", settings.describe()).put("output_rows", cfg.rows().id())
          .put("sigma_y_column", cfg.sigmaYColumn()).put("stats", stats)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), stats, clean, prior.identity(), settings.describe(), timer.seconds());
    });
  }

  /** The prior: the config's mixture, MLlib's fit of {@code model.table}, an exported network or a train-denoiser folder. */
  static GaussianModelSpec prior(SparkSession spark, PosteriorConfig cfg) {
    DiffuseModelConfig m = cfg.model();
    return switch (m.kind()) {
      case GMM -> m.spec();
      case GMM_FIT -> MixtureFit.fit(TableInput.read(spark, m.table(), m.tableFormat()), m.columns(),
          m.fitSettings(cfg.seed()), m.table());
      case TRAINED -> io.sampleforge.spark.diffusion.TrainedDenoiserSpec.of(m.dir());
      // the diffuse job's exported model (DiffuseJob.model): loaded and probed on the driver, exit 2 there
      case TORCHSCRIPT, ONNX -> io.sampleforge.spark.diffusion.ExportedDenoiserSpec.of(
          io.sampleforge.model.ModelFormat.parse("model.type", m.type()),
          io.sampleforge.spark.common.HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration()), m.path(),
          m.rowShape(), io.sampleforge.diffusion.continuous.PredictionType.parse("model.prediction_type",
              m.predictionType()), m.columns(), 0);
    };
  }
}
