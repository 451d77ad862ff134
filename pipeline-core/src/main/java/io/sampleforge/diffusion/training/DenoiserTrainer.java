package io.sampleforge.diffusion.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.random.KeyedStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trains an epsilon-predicting {@link MlpArchitecture} on a numeric table with DJL's training API
 * ({@link Trainer}, an L2 loss ({@link EpsilonLoss}), {@link Optimizer#adam()} with a {@link
 * LearningRateSchedule}) on the PyTorch engine, as DDPM's simple loss (Ho et al. 2020, algorithm 1): each epoch visits the
 * standardised rows x0 in a keyed random order, in batches; each row gets a uniform timestep n in [0,
 * N) of the {@link DiscreteVpSchedule} and noise eps ~ N(0, I), the network sees x_n = sqrt(abar_n) x0
 * + sqrt(1 - abar_n) eps (formed in float64, fed as float32) and the embedding of n, and the loss is
 * the mean of (eps_hat - eps)^2 over the batch. Parameters start from {@link
 * KeyedUniformInitializer}. Every draw comes from {@link TrainingDraws}, so the result is a pure
 * function of (rows, columns, settings, seed) given the engine's thread count (see docs/continuous.md:
 * on one CPU, two runs give bit-identical parameter files).
 *
 * <p>Cost: epochs x rows x (about 6 x parameter count) FLOPs, in ceil(rows / batch) steps per epoch,
 * plus O(rows D) per epoch for the draws; memory O(rows D) for the standardised table plus the network
 * and Adam's two moments (3 x parameters floats).
 */
public final class DenoiserTrainer {
  /** The engine the network is trained and run on. */
  static final String ENGINE = "PyTorch";

  private DenoiserTrainer() {}

  /**
   * Trains on {@code rows} (one value per column of {@code columns}, finite) and writes the model
   * folder {@code folder} (created; it must not exist or be empty). Returns the manifest written.
   * Errors: bad settings or an unusable folder ({@link ConfigException}), bad rows ({@link
   * InputDataException}), a diverging loss (IllegalStateException naming the epoch).
   */
  public static DenoiserManifest train(double[][] rows, List<String> columns, DenoiserTrainingSettings settings,
      long seed, Path folder) {
    return train(rows, OneHotEncoding.numericOnly(columns), settings, seed, folder);
  }

  /**
   * {@link #train} on a table with categorical columns: {@code rows} are {@code encoding.encode(numeric,
   * categorical)}, and the folder records the encoding ({@link TrainedDenoiser#encoding()}).
   */
  public static DenoiserManifest train(double[][] rows, OneHotEncoding encoding, DenoiserTrainingSettings settings,
      long seed, Path folder) {
    try (TrainedDenoiser t = trainAndKeep(rows, encoding, settings, seed, folder)) {
      return t.manifest();
    }
  }

  /** {@link #train}, keeping the trained network in memory (as it was saved): for tests of the round trip. */
  static TrainedDenoiser trainAndKeep(double[][] rows, List<String> columns, DenoiserTrainingSettings settings,
      long seed, Path folder) {
    return trainAndKeep(rows, OneHotEncoding.numericOnly(columns), settings, seed, folder);
  }

  static TrainedDenoiser trainAndKeep(double[][] rows, OneHotEncoding encoding, DenoiserTrainingSettings settings,
      long seed, Path folder) {
    if (settings == null) {
      throw ConfigException.of("settings", "are required", null);
    }
    if (encoding == null) {
      throw ConfigException.of("columns", "are required", null);
    }
    Standardisation st = Standardisation.fit(rows, encoding.encodedColumns());
    prepareFolder(folder);
    double[] x0 = st.toStandard(rows);
    MlpArchitecture arch = settings.architecture(st.dimension());
    TrainingDraws draws = new TrainingDraws(seed);
    String paramFile = String.format(java.util.Locale.ROOT, "%s-%04d.params", DenoiserFolder.MODEL_NAME,
        settings.epochs());
    Model model = Model.newInstance(DenoiserFolder.MODEL_NAME, Device.cpu(), ENGINE);
    try {
      SequentialBlock block = arch.block();
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(new EpsilonLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(settings.lrSchedule().tracker(settings.learningRate(),
              Math.toIntExact(Math.min(Integer.MAX_VALUE, settings.steps(rows.length))))).build())
          .optDevices(new Device[] {Device.cpu()});
      int fanIn = arch.inputWidth(); // each layer's weight comes before its bias; later layers read width units
      for (Pair<String, Parameter> p : block.getParameters()) {
        Parameter param = p.getValue();
        config.optInitializer(new KeyedUniformInitializer(draws.init(p.getKey()), fanIn), q -> q == param);
        if (param.getType() == Parameter.Type.BIAS) {
          fanIn = arch.width();
        }
      }
      double[] loss;
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(arch.inputShape(Math.min(settings.batchSize(), rows.length)));
        loss = fit(trainer, arch, settings.schedule(), x0, rows.length, settings, draws);
      }
      model.setProperty("Epoch", String.valueOf(settings.epochs()));
      model.save(folder, DenoiserFolder.MODEL_NAME);
      DenoiserManifest m = new DenoiserManifest(st, encoding, settings, seed, rows.length, loss, paramFile,
          DenoiserFolder.sha256(folder.resolve(paramFile)));
      DenoiserFolder.write(folder, m);
      return new TrainedDenoiser(m, model);
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("could not write the trained denoiser into " + folder, e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The epochs; returns the mean loss of each. */
  private static double[] fit(Trainer trainer, MlpArchitecture arch, DiscreteVpSchedule schedule, double[] x0, int n,
      DenoiserTrainingSettings s, TrainingDraws draws) {
    int d = arch.dimension();
    int e = arch.timeEmbedding();
    int w = arch.inputWidth();
    int steps = schedule.trainSteps();
    double[] sqrtAbar = new double[steps];
    double[] sqrtOneMinus = new double[steps];
    for (int t = 0; t < steps; t++) {
      sqrtAbar[t] = Math.sqrt(schedule.alphaBar(t));
      sqrtOneMinus[t] = Math.sqrt(1 - schedule.alphaBar(t));
    }
    double[] freqs = TimestepEmbedding.frequencies(e);
    double[] curve = new double[s.epochs()];
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      int[] order = draws.order(n, epoch);
      double sum = 0;
      for (int start = 0; start < n; start += s.batchSize()) {
        int b = Math.min(s.batchSize(), n - start);
        float[] input = new float[b * w];
        float[] label = new float[b * d];
        for (int i = 0; i < b; i++) {
          int r = order[start + i];
          KeyedStream rs = draws.row(epoch, r);
          int t = TrainingDraws.timestep(rs, steps);
          for (int c = 0; c < d; c++) {
            double eps = TrainingDraws.noise(rs, c);
            label[i * d + c] = (float) eps;
            input[i * w + c] = (float) (sqrtAbar[t] * x0[r * d + c] + sqrtOneMinus[t] * eps);
          }
          TimestepEmbedding.write(t, freqs, input, i * w + d);
        }
        try (NDManager batch = trainer.getManager().newSubManager()) {
          NDArray in = batch.create(input, new Shape(b, w));
          NDArray lab = batch.create(label, new Shape(b, d));
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(in));
            NDArray l = trainer.getLoss().evaluate(new NDList(lab), pred);
            gc.backward(l);
            sum += l.getFloat() * (double) b;
          }
          trainer.step();
        }
      }
      curve[epoch] = sum / n;
      if (!Double.isFinite(curve[epoch])) {
        throw new IllegalStateException("denoiser training diverged in epoch " + epoch + " (mean loss " + curve[epoch]
            + "); lower learning_rate (" + s.learningRate() + ")");
      }
    }
    return curve;
  }

  private static void prepareFolder(Path folder) {
    if (folder == null) {
      throw ConfigException.of(DenoiserFolder.KEY, "must be the folder to write the trained denoiser to", null);
    }
    try {
      if (Files.exists(folder)) {
        if (!Files.isDirectory(folder)) {
          throw ConfigException.of(DenoiserFolder.KEY, "must be a folder (or not exist yet)", "'" + folder + "'");
        }
        try (Stream<Path> s = Files.list(folder)) {
          if (s.findAny().isPresent()) {
            throw ConfigException.of(DenoiserFolder.KEY, "must be empty or not exist (a trained denoiser is never "
                + "written over another)", "'" + folder + "'");
          }
        }
      }
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw ConfigException.of(DenoiserFolder.KEY, "must be a folder that can be created (" + e.getMessage() + ")",
          "'" + folder + "'");
    }
  }
}
