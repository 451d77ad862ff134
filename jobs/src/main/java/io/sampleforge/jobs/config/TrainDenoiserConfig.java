package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.continuous.BetaSchedule;
import io.sampleforge.diffusion.training.DenoiserTrainingSettings;
import io.sampleforge.diffusion.training.LearningRateSchedule;
import io.sampleforge.errors.ConfigException;
import java.util.List;
import java.util.Map;

/**
 * The {@code train-denoiser} job's config (conf/jobs/train-denoiser.yaml documents every key): the
 * {@code input} table, its numeric {@code columns} and {@code categorical} columns (one-hot encoded),
 * the network and training keys of {@link
 * DenoiserTrainingSettings} (defaults {@link DenoiserTrainingSettings#DEFAULTS}) and the {@code seed};
 * the {@code output} is the model folder (a local path) that {@code diffuse} reads with {@code
 * model.type: trained}. Validated on construction.
 */
public record TrainDenoiserConfig(String input, TableFormat inputFormat, String output, WriteMode mode,
    List<String> columns, List<String> categorical, Integer hiddenLayers, Integer hiddenWidth, Integer timeEmbeddingDim, Double learningRate,
    String lrSchedule, Integer epochs, Integer batchSize, String betaSchedule, Integer numTrainTimesteps,
    Double betaStart, Double betaEnd, Long seed) implements JobTarget {

  public TrainDenoiserConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name a Parquet or CSV table", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the model folder to write", "'" + output + "'");
    }
    categorical = categorical == null ? List.of() : categorical;
    if ((columns == null || columns.isEmpty()) && categorical.isEmpty()) {
      throw ConfigException.of("columns", "must name the numeric columns to train on", columns);
    }
    columns = columns == null ? List.of() : columns;
    if (columns.stream().distinct().count() != columns.size() || columns.stream().anyMatch(java.util.Objects::isNull)) {
      throw ConfigException.of("columns", "must be distinct, non-null names", columns);
    }
    if (categorical.stream().distinct().count() != categorical.size()
        || categorical.stream().anyMatch(java.util.Objects::isNull)) {
      throw ConfigException.of("categorical", "must be distinct, non-null names", categorical);
    }
    for (String c : categorical) {
      if (columns.contains(c)) {
        throw ConfigException.of("categorical/columns", "must not name a column twice (numeric or categorical)", c);
      }
    }
    columns = List.copyOf(columns);
    categorical = List.copyOf(categorical);
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    settings(hiddenLayers, hiddenWidth, timeEmbeddingDim, learningRate, lrSchedule, epochs, batchSize, betaSchedule,
        numTrainTimesteps, betaStart, betaEnd);
  }

  /** The trainer's settings (validated; errors name the key). */
  public DenoiserTrainingSettings settings() {
    return settings(hiddenLayers, hiddenWidth, timeEmbeddingDim, learningRate, lrSchedule, epochs, batchSize,
        betaSchedule, numTrainTimesteps, betaStart, betaEnd);
  }

  private static DenoiserTrainingSettings settings(Integer layers, Integer width, Integer embedding, Double lr,
      String lrSchedule, Integer epochs, Integer batch, String beta, Integer steps, Double betaStart, Double betaEnd) {
    DenoiserTrainingSettings d = DenoiserTrainingSettings.DEFAULTS;
    return new DenoiserTrainingSettings(layers == null ? d.hiddenLayers() : layers, width == null ? d.width() : width,
        embedding == null ? d.timeEmbedding() : embedding, lr == null ? d.learningRate() : lr,
        lrSchedule == null ? d.lrSchedule() : LearningRateSchedule.parse("lr_schedule", lrSchedule),
        epochs == null ? d.epochs() : epochs, batch == null ? d.batchSize() : batch,
        beta == null ? d.betaSchedule() : BetaSchedule.parse("beta_schedule", beta),
        steps == null ? d.trainSteps() : steps, betaStart == null ? d.betaStart() : betaStart,
        betaEnd == null ? d.betaEnd() : betaEnd);
  }

  @Override
  public Map<String, String> inputLocations() {
    return Map.of("input", input);
  }
}
