package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.training.DenoiserFolder;
import io.sampleforge.diffusion.training.DenoiserManifest;
import io.sampleforge.diffusion.training.OneHotEncoding;
import io.sampleforge.diffusion.training.TrainedDenoiser;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.spark.common.TaskDevices;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A denoiser trained by {@code train-denoiser} ({@link io.sampleforge.diffusion.training.DenoiserTrainer}):
 * its model folder (a local path every executor can read: a shared or copied folder) as the model of
 * the {@code diffuse} stage. The model predicts epsilon in standardised space; the folder's means and
 * standard deviations map samples back to the table's columns. {@link #of} opens the folder on the
 * driver (its checks: {@link TrainedDenoiser#open}). A model trained with categorical columns samples
 * their one-hot columns and decodes each to its argmax level ({@link #oneHot()}). Each task opens its own copy (a small MLP on the CPU).
 */
public final class TrainedDenoiserSpec implements GaussianModelSpec {
  private static final long serialVersionUID = 1L;
  private final String folder;
  private final List<String> columns;
  private final Standardisation standardisation;
  private final Map<String, Object> identity;
  private final int trainSteps;
  private final String betaSchedule;
  private final double betaStart;
  private final double betaEnd;
  private final OneHotEncoding encoding;
  private final int dimension;

  private TrainedDenoiserSpec(String folder, DenoiserManifest m) {
    this.folder = folder;
    this.encoding = m.encoding();
    this.dimension = m.columns().size();
    List<String> out = new java.util.ArrayList<>(m.encoding().numeric());
    m.encoding().categorical().forEach(c -> out.add(c.name()));
    this.columns = List.copyOf(out);
    this.standardisation = new Standardisation(m.standardisation().means(), m.standardisation().stds());
    this.trainSteps = m.settings().trainSteps();
    this.betaSchedule = m.settings().betaSchedule().id();
    this.betaStart = m.settings().betaStart();
    this.betaEnd = m.settings().betaEnd();
    Map<String, Object> id = new LinkedHashMap<>();
    id.put("type", "trained");
    id.put("dir", folder);
    id.put("architecture", m.architecture().toString());
    id.put("parameters_sha256", m.parametersSha256());
    id.put("rows", m.rows());
    id.put("seed", m.seed());
    this.identity = Map.copyOf(id);
  }

  /** Opens the folder on the driver and reads its manifest. */
  public static TrainedDenoiserSpec of(String folder) {
    if (folder == null || folder.isBlank()) {
      throw ConfigException.of(DenoiserFolder.KEY, "must name the folder train-denoiser wrote", folder);
    }
    TaskDevices.configureThreads();
    try (TrainedDenoiser t = TrainedDenoiser.open(Path.of(folder))) {
      DenoiserManifest m = t.manifest();
      return new TrainedDenoiserSpec(folder, m);
    }
  }

  /** The discrete VP schedule the model was trained under. */
  public io.sampleforge.diffusion.continuous.DiscreteVpSchedule schedule() {
    return new io.sampleforge.diffusion.continuous.DiscreteVpSchedule(
        io.sampleforge.diffusion.continuous.BetaSchedule.parse("beta_schedule", betaSchedule), trainSteps, betaStart,
        betaEnd);
  }

  /** The schedule the model was trained under: [beta_schedule, num_train_timesteps, beta_start, beta_end]. */
  public List<Object> trainedSchedule() {
    return List.of(betaSchedule, trainSteps, betaStart, betaEnd);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public java.util.Optional<OneHotEncoding> oneHot() {
    return encoding.categorical().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(encoding);
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public Standardisation standardisation() {
    return standardisation;
  }

  @Override
  public Map<String, Object> identity() {
    return new LinkedHashMap<>(new java.util.TreeMap<>(identity));
  }

  /** The MLP is a DJL block on the PyTorch engine: autograd differentiates it. */
  @Override
  public String notDifferentiable() {
    return null;
  }

  @Override
  public DenoiserHandle open() {
    TaskDevices.configureThreads();
    TrainedDenoiser d = TrainedDenoiser.open(Path.of(folder));
    return new DenoiserHandle() {
      private io.sampleforge.model.AutogradDenoiser grad;

      @Override
      public Denoiser denoiser() {
        return d;
      }

      @Override
      public io.sampleforge.diffusion.posterior.DifferentiableDenoiser differentiable() {
        if (grad == null) {
          grad = d.differentiable();
        }
        return grad;
      }

      @Override
      public void close() {
        if (grad != null) {
          grad.close();
        }
        d.close();
      }
    };
  }
}
