package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.DiffuseConfig;
import io.sampleforge.jobs.config.DiffuseModelConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.diffusion.GaussianModelSpec;
import io.sampleforge.spark.diffusion.GaussianSampling;
import io.sampleforge.spark.diffusion.GaussianSamplingSettings;
import io.sampleforge.spark.diffusion.MixtureFit;
import io.sampleforge.spark.diffusion.Standardisation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
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
      Map<String, Object> model, Map<String, Object> solver, Map<String, Object> quality, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, DiffuseConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      GaussianModelSpec model = timer.time("model", () -> model(spark, cfg));
      GaussianSamplingSettings settings = new GaussianSamplingSettings(cfg.solverSpec(), cfg.seed(), cfg.batchSize());
      GaussianSampling.Result result;
      if (cfg.rows() != null) {
        progress.totalRows(cfg.rows());
        result = GaussianSampling.unconditional(spark, cfg.rows(), cfg.partitions(), model, settings);
      } else {
        Dataset<Row> requests = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
        result = GaussianSampling.forRequests(requests, cfg.idColumn(), cfg.countColumn(), cfg.samplesPerRequest(),
            cfg.partitions(), model, settings);
      }
      timer.time("sample+write", () -> {
        DataFrameWriter<Row> w = ParquetOutput.writer(result.output());
        switch (cfg.format()) {
          case PARQUET -> {
            for (String c : model.columns()) {
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
      int nfe = settings.solver().build().modelCalls();
      Map<String, Object> quality = model.exactPrior().isPresent() && cfg.qualitySamples() > 0 && samples >= 10
          ? timer.time("quality", () -> quality(written, cfg, model, model.exactPrior().get())) : null;
      double rate = sampleSeconds > 0 ? samples / sampleSeconds : 0;
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("samples", samples);
      stats.put("nfe_per_sample", nfe);
      stats.put("model_calls", result.modelCalls().value());
      stats.put("samples_per_second", rate);
      stats.put("model_calls_per_second", sampleSeconds > 0 ? result.modelCalls().value() / sampleSeconds : 0);
      stats.put("quality", quality);
      new Manifest().put("job", "diffuse").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("model", model.identity())
          .put("solver", settings.solver().describe()).put("stats", stats)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), samples, nfe, result.modelCalls().value(), rate, model.identity(),
          settings.solver().describe(), quality, timer.seconds());
    });
  }

  private static Dataset<Row> read(SparkSession spark, String path, DiffuseConfig cfg) {
    return switch (cfg.format()) {
      case PARQUET -> spark.read().parquet(path);
      case CSV -> spark.read().option("header", "true").option("inferSchema", "true").csv(path);
      case TSV -> spark.read().option("header", "true").option("sep", "\t").option("inferSchema", "true").csv(path);
    };
  }

  /** The model: the config's mixture, or MLlib's fit of {@code model.table}. */
  static GaussianModelSpec model(SparkSession spark, DiffuseConfig cfg) {
    DiffuseModelConfig m = cfg.model();
    return switch (m.kind()) {
      case GMM -> m.spec();
      case GMM_FIT -> MixtureFit.fit(TableInput.read(spark, m.table(), m.tableFormat()), m.columns(),
          m.fitSettings(cfg.seed()), m.table());
    };
  }

  /**
   * The first {@code quality_samples} samples (by id, sample index) against as many exact draws from
   * the model's mixture, in model space: MMD^2 with its permutation threshold (200 permutations, level
   * 0.01) and the sliced Wasserstein-1 distance (64 directions).
   */
  static Map<String, Object> quality(Dataset<Row> written, DiffuseConfig cfg, GaussianModelSpec model,
      GaussianMixture prior) {
    List<String> columns = model.columns();
    Column[] values = columns.stream().map(c -> col(ColumnNames.quoted(c))).toArray(Column[]::new);
    List<Row> rows = written.orderBy(col(ColumnNames.quoted(cfg.idColumn())), col(GaussianSampling.SAMPLE_INDEX))
        .limit(cfg.qualitySamples()).select(values).collectAsList();
    int n = rows.size();
    int d = columns.size();
    Standardisation s = model.standardisation();
    double[] mean = s.mean();
    double[] scale = s.scale();
    double[] x = new double[n * d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        x[r * d + i] = (rows.get(r).getDouble(i) - mean[i]) / scale[i];
      }
    }
    SampleKey[] keys = new SampleKey[n];
    for (int r = 0; r < n; r++) {
      keys[r] = new SampleKey(Long.MIN_VALUE + r, 0); // apart from every request's key
    }
    double[] exact = new GaussianDraws(cfg.seed()).exactSamples(prior, keys);
    SampleDistance.MmdTest t = SampleDistance.mmd(x, exact, d, 200, 0.01, cfg.seed());
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("samples", n);
    q.put("mmd2", t.mmd2());
    q.put("mmd2_threshold", t.threshold());
    q.put("mmd_p_value", t.pValue());
    q.put("mmd_bandwidth", t.bandwidth());
    q.put("indistinguishable_at_level", t.rejects() ? null : t.level());
    q.put("sliced_wasserstein", SampleDistance.slicedWasserstein(x, exact, d, 64, cfg.seed()));
    q.put("space", s.isIdentity() ? "table units" : "standardised columns");
    return q;
  }
}
