package io.sampleforge.jobs;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.DiffuseConfig;
import io.sampleforge.jobs.config.DiffuseModelConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.spark.common.HadoopModelFiles;
import io.sampleforge.spark.diffusion.ExactQuality;
import io.sampleforge.spark.diffusion.RequestConditions;
import io.sampleforge.spark.diffusion.ExportedDenoiserSpec;
import io.sampleforge.spark.diffusion.TrainedDenoiserSpec;
import io.sampleforge.diffusion.continuous.ScheduleSpec;
import io.sampleforge.spark.diffusion.GaussianModelSpec;
import io.sampleforge.spark.diffusion.GaussianSampling;
import io.sampleforge.spark.diffusion.GaussianSamplingSettings;
import io.sampleforge.spark.diffusion.MixtureFit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code diffuse} job: config -> model (the exact GMM of the config, or MLlib's fit of a table)
 * -> requests ({@code rows} or an input table) -> {@link GaussianSampling} -> write atomically ->
 * count check -> quality against exact draws (exact models) -> {@code _manifest.json}.
 */
public final class DiffuseJob {
  private DiffuseJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, long samples, int nfePerSample, long modelCalls, double samplesPerSecond,
      Map<String, Object> model, Map<String, Object> solver, Map<String, Object> quality, Map<String, Object> smc,
      Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, DiffuseConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      GaussianModelSpec model = timer.time("model", () -> model(spark, cfg));
      GaussianSamplingSettings settings = cfg.samplingSettings();
      GaussianSampling.Result result;
      if (cfg.rows() != null) {
        progress.totalRows(cfg.rows());
        result = GaussianSampling.unconditional(spark, cfg.rows(), cfg.partitions(), model, settings);
      } else {
        Dataset<Row> requests = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
        result = GaussianSampling.forRequests(requests, cfg.idColumn(), cfg.countColumn(), cfg.samplesPerRequest(),
            cfg.labelColumn(), cfg.conditionColumns(), cfg.partitions(), model, settings);
      }
      timer.time("sample+write", () -> {
        DataFrameWriter<Row> w = ParquetOutput.writer(result.output());
        switch (cfg.format()) {
          case PARQUET -> {
            for (String c : model.oneHot().map(e -> e.numeric()).orElse(model.columns())) {
              w = w.option("parquet.enable.dictionary#" + c, "false");
            }
            w.parquet(out.staging());
          }
          case CSV -> result.output().write().option("header", "true").csv(out.staging());
          case TSV -> result.output().write().option("header", "true").option("sep", "\t").csv(out.staging());
        }
      });
      double sampleSeconds = timer.seconds().get("sample+write");
      Dataset<Row> written = read(spark, out.staging(), cfg);
      long samples = timer.time("verify", written::count);
      int nfe = settings.modelCallsPerSample();
      Map<String, Object> quality = model.exactPrior().isPresent() && cfg.qualitySamples() > 0 && samples >= 10
          ? timer.time("quality", () -> ExactQuality.of(written, cfg.idColumn(), cfg.labelColumn(), cfg.guidanceScale(),
          cfg.conditionColumns() == null ? null : RequestConditions.of(cfg.conditionColumns(), model), model,
          cfg.qualitySamples(), cfg.seed())) : null;
      double rate = sampleSeconds > 0 ? samples / sampleSeconds : 0;
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("samples", samples);
      stats.put("nfe_per_sample", nfe);
      stats.put("model_calls", result.modelCalls().value());
      stats.put("samples_per_second", rate);
      stats.put("model_calls_per_second", sampleSeconds > 0 ? result.modelCalls().value() / sampleSeconds : 0);
      stats.put("quality", quality);
      Map<String, Object> smc = settings.smc() == null ? null
          : timer.time("smc stats", () -> SmcStats.of(written, cfg.idColumn(), settings.smc().particles()));
      if (smc != null) {
        stats.put("smc", smc);
      }
      new Manifest().put("job", "diffuse").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("model", model.identity())
          .put("solver", settings.describe(cfg.labelColumn() != null))
          .put("condition_columns", cfg.conditionColumns())
          .put("guidance", cfg.labelColumn() == null ? null : java.util.Map.of("label_column", cfg.labelColumn(),
              "guidance_scale", cfg.guidanceScale(), "classes", model.numClasses()))
          .put("stats", stats)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), samples, nfe, result.modelCalls().value(), rate, model.identity(),
          settings.describe(cfg.labelColumn() != null), quality, smc, timer.seconds());
    });
  }

  private static Dataset<Row> read(SparkSession spark, String path, DiffuseConfig cfg) {
    return switch (cfg.format()) {
      case PARQUET -> spark.read().parquet(path);
      case CSV -> spark.read().option("header", "true").option("inferSchema", "true").csv(path);
      case TSV -> spark.read().option("header", "true").option("sep", "\t").option("inferSchema", "true").csv(path);
    };
  }

  /** A train-denoiser folder; the job's schedule must be the one it was trained under. */
  private static GaussianModelSpec trained(DiffuseConfig cfg) {
    TrainedDenoiserSpec spec = TrainedDenoiserSpec.of(cfg.model().dir());
    ScheduleSpec s = cfg.solverSpec().schedule();
    java.util.List<Object> job = java.util.List.of(s.betaSchedule().id(), s.trainSteps(), s.betaStart(), s.betaEnd());
    if (s.kind() != ScheduleSpec.Kind.DISCRETE || !job.equals(spec.trainedSchedule())) {
      throw io.sampleforge.errors.ConfigException.of("schedule", "must be the schedule the model in model.dir was "
          + "trained under: discrete " + spec.trainedSchedule() + " [beta_schedule, num_train_timesteps, beta_start, "
          + "beta_end]", s.describe());
    }
    return spec;
  }

  /** The model: the config's mixture, MLlib's fit of {@code model.table}, an exported or a trained network. */
  static GaussianModelSpec model(SparkSession spark, DiffuseConfig cfg) {
    DiffuseModelConfig m = cfg.model();
    return switch (m.kind()) {
      case GMM -> m.spec();
      case GMM_FIT -> MixtureFit.fit(TableInput.read(spark, m.table(), m.tableFormat()), m.columns(),
          m.fitSettings(cfg.seed()), m.table());
      case TORCHSCRIPT, ONNX -> ExportedDenoiserSpec.of(ModelFormat.parse("model.type", m.type()),
          HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration()), m.path(), m.rowShape(),
          PredictionType.parse("model.prediction_type", m.predictionType()), m.columns(), m.exportedClasses());
      case TRAINED -> trained(cfg);
    };
  }
}
