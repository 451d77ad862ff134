package io.sampleforge.diffusion.training;

import io.sampleforge.diffusion.continuous.BetaSchedule;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.errors.ConfigException;

/**
 * How {@link DenoiserTrainer} trains: the network's size ({@link MlpArchitecture} without its
 * dimension, which the table gives), Adam's learning rate, the number of epochs, the batch size, and
 * the discrete VP schedule the timesteps are drawn from (diffusers' {@code DDPMScheduler}
 * constructor keys). Validated on construction; errors name the config key. Defaults ({@link
 * #DEFAULTS}): 3 hidden layers of 256 units, time embedding 64, learning rate 1e-3 decaying linearly
 * to 0, 50 epochs, * batch 256, linear betas 1e-4 .. 0.02 over 1000 steps (diffusers' defaults).
 *
 * @param hiddenLayers {@code hidden_layers}
 * @param width {@code hidden_width}
 * @param timeEmbedding {@code time_embedding_dim}
 * @param learningRate {@code learning_rate}, finite and in (0, 1]
 * @param lrSchedule {@code lr_schedule}: constant or linear decay to 0 (default)
 * @param epochs {@code epochs}, in [1, 1_000_000]
 * @param batchSize {@code batch_size}, in [1, 1_048_576]
 * @param betaSchedule {@code beta_schedule}
 * @param trainSteps {@code num_train_timesteps}
 * @param betaStart {@code beta_start}
 * @param betaEnd {@code beta_end}
 */
public record DenoiserTrainingSettings(int hiddenLayers, int width, int timeEmbedding, double learningRate,
    LearningRateSchedule lrSchedule, int epochs, int batchSize, BetaSchedule betaSchedule, int trainSteps,
    double betaStart, double betaEnd) {
  /** The defaults stated once. */
  public static final DenoiserTrainingSettings DEFAULTS =
      new DenoiserTrainingSettings(3, 256, 64, 1e-3, LearningRateSchedule.LINEAR, 50, 256, BetaSchedule.LINEAR, 1000,
          1e-4, 0.02);

  public DenoiserTrainingSettings {
    new MlpArchitecture(1, hiddenLayers, width, timeEmbedding); // validates the sizes
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw ConfigException.of("learning_rate", "must be finite and in (0, 1]", learningRate);
    }
    if (lrSchedule == null) {
      throw ConfigException.of("lr_schedule", "is required (constant or linear)", null);
    }
    if (epochs < 1 || epochs > 1_000_000) {
      throw ConfigException.of("epochs", "must be in [1, 1000000]", epochs);
    }
    if (batchSize < 1 || batchSize > 1 << 20) {
      throw ConfigException.of("batch_size", "must be in [1, 1048576]", batchSize);
    }
    new DiscreteVpSchedule(betaSchedule, trainSteps, betaStart, betaEnd); // validates the schedule keys
  }

  /** The schedule the timesteps are drawn from. */
  public DiscreteVpSchedule schedule() {
    return new DiscreteVpSchedule(betaSchedule, trainSteps, betaStart, betaEnd);
  }

  /** The network for a table of {@code dimension} columns. */
  public MlpArchitecture architecture(int dimension) {
    return new MlpArchitecture(dimension, hiddenLayers, width, timeEmbedding);
  }

  public DenoiserTrainingSettings withEpochs(int e) {
    return new DenoiserTrainingSettings(hiddenLayers, width, timeEmbedding, learningRate, lrSchedule, e, batchSize,
        betaSchedule, trainSteps, betaStart, betaEnd);
  }

  public DenoiserTrainingSettings withBatchSize(int b) {
    return new DenoiserTrainingSettings(hiddenLayers, width, timeEmbedding, learningRate, lrSchedule, epochs, b,
        betaSchedule, trainSteps, betaStart, betaEnd);
  }

  public DenoiserTrainingSettings withLearningRate(double lr) {
    return new DenoiserTrainingSettings(hiddenLayers, width, timeEmbedding, lr, lrSchedule, epochs, batchSize,
        betaSchedule, trainSteps, betaStart, betaEnd);
  }

  public DenoiserTrainingSettings withLrSchedule(LearningRateSchedule l) {
    return new DenoiserTrainingSettings(hiddenLayers, width, timeEmbedding, learningRate, l, epochs, batchSize,
        betaSchedule, trainSteps, betaStart, betaEnd);
  }

  /** The number of optimiser steps over {@code rows} rows: epochs x ceil(rows / batch). */
  public long steps(int rows) {
    return (long) epochs * ((rows + batchSize - 1) / batchSize);
  }

  /** The same settings with another network size. */
  public DenoiserTrainingSettings withNetwork(int layers, int units, int embedding) {
    return new DenoiserTrainingSettings(layers, units, embedding, learningRate, lrSchedule, epochs, batchSize,
        betaSchedule, trainSteps, betaStart, betaEnd);
  }
}
