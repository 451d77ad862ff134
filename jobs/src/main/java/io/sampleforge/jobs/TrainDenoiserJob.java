package io.sampleforge.jobs;

import io.sampleforge.diffusion.training.DenoiserManifest;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.TrainDenoiserConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.diffusion.DenoiserTraining;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train-denoiser} job: read the table -> {@link DenoiserTraining} (an MLP epsilon-predictor
 * trained with DJL on the driver) writes the model folder into the staging folder -> {@code
 * _manifest.json} -> atomic commit. The output is the folder {@code diffuse} reads with {@code
 * model.type: trained}; it must be on the local file system (DJL writes the parameter file there).
 */
public final class TrainDenoiserJob {
  private TrainDenoiserJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, long rows, int epochs, double firstLoss, double lastLoss,
      Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, TrainDenoiserConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      if (!"file".equals(out.fileSystem().getScheme())) {
        throw ConfigException.of("output", "must be a local path for train-denoiser (DJL writes the parameter file "
            + "with local I/O); copy the folder to shared storage afterwards", cfg.output());
      }
      Dataset<Row> table = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
      Path folder = Path.of(new org.apache.hadoop.fs.Path(out.staging()).toUri().getPath()).resolve("model");
      DenoiserManifest m = timer.time("train", () -> DenoiserTraining.train(table, cfg.columns(), cfg.categorical(), cfg.settings(),
          cfg.seed(), folder));
      double[] loss = m.lossCurve();
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("rows", m.rows());
      stats.put("epochs", cfg.settings().epochs());
      stats.put("loss_first_epoch", loss[0]);
      stats.put("loss_last_epoch", loss[loss.length - 1]);
      stats.put("parameters_sha256", m.parametersSha256());
      new Manifest().put("job", "train-denoiser").put("config", ConfigLoader.json().valueToTree(cfg))
          .put("seed", cfg.seed()).put("input", cfg.input()).put("output", cfg.output())
          .put("model", Map.of("dir", cfg.output() + "/model", "columns", m.columns(), "categorical",
              m.encoding().categorical(),
              "architecture", m.architecture().toString()))
          .put("stats", stats).put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), m.rows(), cfg.settings().epochs(), loss[0], loss[loss.length - 1],
          timer.seconds());
    });
  }
}
