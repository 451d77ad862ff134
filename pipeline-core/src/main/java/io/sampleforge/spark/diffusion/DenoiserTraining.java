package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.training.DenoiserManifest;
import io.sampleforge.diffusion.training.DenoiserTrainer;
import io.sampleforge.diffusion.training.OneHotEncoding;
import io.sampleforge.diffusion.training.DenoiserTrainingSettings;
import io.sampleforge.spark.common.TaskDevices;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code train-denoiser} stage: the table's numeric columns (and categorical ones, one-hot encoded),
 * checked and put in a content-defined
 * order ({@link NumericRows}), collected to the driver and given to {@link DenoiserTrainer} (an MLP
 * epsilon-predictor trained with DJL on standardised rows; keyed, deterministic), which writes the model
 * folder. The training runs on the driver with the threads the JVM's task slot owns. Cost: one sort of
 * the table on one task, O(rows D) driver memory, then the trainer's epochs.
 */
public final class DenoiserTraining {
  private DenoiserTraining() {}

  /** Trains on {@code columns} of {@code table} and writes {@code folder}; returns what the folder records. */
  public static DenoiserManifest train(Dataset<Row> table, List<String> columns, DenoiserTrainingSettings settings,
      long seed, Path folder) {
    return train(table, columns, List.of(), settings, seed, folder);
  }

  /**
   * Trains on the numeric {@code columns} and the one-hot encoded {@code categorical} columns (levels:
   * the values seen, as strings, sorted; {@link OneHotEncoding}) of {@code table}.
   */
  public static DenoiserManifest train(Dataset<Row> table, List<String> columns, List<String> categorical,
      DenoiserTrainingSettings settings, long seed, Path folder) {
    List<Row> ordered = NumericRows.ordered(table, columns, categorical, "columns", "categorical").collectAsList();
    double[][] numeric = NumericRows.collect(ordered, columns.size());
    TaskDevices.configureThreads();
    if (categorical.isEmpty()) {
      return DenoiserTrainer.train(numeric, columns, settings, seed, folder);
    }
    String[][] levels = NumericRows.categorical(ordered, columns.size());
    OneHotEncoding encoding = OneHotEncoding.fit(columns, categorical, levels);
    return DenoiserTrainer.train(encoding.encode(numeric, levels), encoding, settings, seed, folder);
  }
}
