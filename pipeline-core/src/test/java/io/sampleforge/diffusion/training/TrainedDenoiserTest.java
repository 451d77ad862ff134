package io.sampleforge.diffusion.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DpmSolverPlusPlus;
import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleDistance;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The denoiser trainer on a known 2-D Gaussian mixture (DdimLawTest's): trained for a few seconds on
 * 4000 exact draws, its DPM-Solver++ (2M, 20 steps) samples pass an MMD permutation test against 600
 * held-out draws, and the same test rejects an untrained network and a Gaussian with the data's mean
 * and std (the power checks). Also the folder round trip, seed determinism and refused folders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainedDenoiserTest {
  private static final int TRAIN = 4000;
  private static final int N = 600;
  private static final List<String> COLUMNS = List.of("x", "y");
  /** A few seconds on 2 cores; the linear learning-rate decay matters (a constant rate needed 4x the steps). */
  static final DenoiserTrainingSettings SETTINGS = DenoiserTrainingSettings.DEFAULTS.withNetwork(3, 128, 32)
      .withEpochs(60).withBatchSize(512).withLearningRate(3e-3);

  @TempDir
  Path tmp;

  private double[][] train;
  private double[] heldOut;
  private Path folder;
  private TrainedDenoiser inMemory;

  static GaussianMixture prior() {
    return GaussianMixture.full(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
  }

  static SampleKey[] keys(int n, long base) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(base + i, 0);
    }
    return k;
  }

  static double[][] rows(double[] flat, int d) {
    double[][] r = new double[flat.length / d][d];
    for (int i = 0; i < r.length; i++) {
      System.arraycopy(flat, i * d, r[i], 0, d);
    }
    return r;
  }

  static double[] flat(double[][] rows) {
    int d = rows[0].length;
    double[] f = new double[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, f, i * d, d);
    }
    return f;
  }

  @BeforeAll
  void trainOnce(@TempDir Path dir) {
    GaussianDraws data = new GaussianDraws(2026);
    train = rows(data.exactSamples(prior(), keys(TRAIN, 0)), 2);
    heldOut = data.exactSamples(prior(), keys(N, 1_000_000));
    folder = dir.resolve("gmm");
    long t0 = System.nanoTime();
    inMemory = DenoiserTrainer.trainAndKeep(train, COLUMNS, SETTINGS, 7, folder);
    double[] loss = inMemory.manifest().lossCurve();
    System.out.printf("trained %d steps in %.2f s; loss %.4f -> %.4f %s%n", SETTINGS.steps(TRAIN),
        (System.nanoTime() - t0) / 1e9, loss[0], loss[loss.length - 1], inMemory.manifest().parametersSha256());
  }

  private static double[] sample(TrainedDenoiser model) {
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(model.schedule(), DiffusersSpacing.LINSPACE, 20,
        0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    double[] standard = solver.sample(model, keys(N, 5_000_000), new GaussianDraws(11)).samples();
    return flat(model.standardisation().toData(standard));
  }

  @AfterAll
  void close() {
    inMemory.close();
  }

  /**
   * The trained MLP differentiated by DJL autograd ({@link TrainedDenoiser#differentiable()}): x0_hat equals
   * the inference forward's, and (d x0_hat / d x)^T u agrees with central differences (h 1e-2) of u . x0_hat
   * through {@link TrainedDenoiser#predict}, at six levels of its own schedule; a product is not the linear
   * part u / alpha alone.
   */
  @Test
  void autogradProductsAgreeWithCentralDifferences() {
    TimeGrid grid = TimeGrid.diffusers(inMemory.schedule(), DiffusersSpacing.LINSPACE, 10, 0, FinalSigma.ZERO);
    int rows = 5;
    double[] x = java.util.Arrays.copyOf(heldOut, rows * 2);
    double[] u = new GaussianDraws(3).exactSamples(GaussianMixture.diagonal(new double[] {1.0},
        new double[][] {{0.0, 0.0}}, new double[][] {{1.0, 1.0}}), keys(rows, 77));
    double h = 1e-2;
    try (io.sampleforge.model.AutogradDenoiser grad = inMemory.differentiable()) {
      for (int i = 3; i < 9; i++) {
        NoiseLevel level = grid.level(i);
        NoiseLevel[] levels = new NoiseLevel[rows];
        java.util.Arrays.fill(levels, level);
        io.sampleforge.diffusion.posterior.DifferentiableDenoiser.Linearisation lin = grad.linearise(x, rows, level);
        double[] eps = new double[x.length];
        inMemory.predict(x, levels, eps);
        double off = 0;
        for (int j = 0; j < x.length; j++) {
          double x0 = (x[j] - level.sigma() * eps[j]) / level.alpha();
          assertEquals(x0, lin.data()[j], 1e-9 * (1 + Math.abs(x0)), "x0_hat at " + j + ", level " + level);
        }
        double[] vjp = new double[x.length];
        lin.vectorJacobianProduct(u, vjp);
        for (int c = 0; c < 2; c++) {
          double[] plus = x.clone();
          double[] minus = x.clone();
          for (int r = 0; r < rows; r++) {
            plus[r * 2 + c] += h;
            minus[r * 2 + c] -= h;
          }
          double[] ep = new double[x.length];
          double[] em = new double[x.length];
          inMemory.predict(plus, levels, ep);
          inMemory.predict(minus, levels, em);
          for (int r = 0; r < rows; r++) {
            double f = 0;
            for (int j = r * 2; j < r * 2 + 2; j++) {
              f += u[j] * ((plus[j] - level.sigma() * ep[j]) - (minus[j] - level.sigma() * em[j])) / level.alpha();
            }
            double fd = f / (2 * h);
            assertEquals(fd, vjp[r * 2 + c], 2e-3 * (1 + Math.abs(fd)), "row " + r + " coordinate " + c + " at "
                + level);
            off = Math.max(off, Math.abs(vjp[r * 2 + c] - u[r * 2 + c] / level.alpha()));
          }
        }
        assertTrue(off > 1e-2, "the network's Jacobian matters at " + level + ": " + off);
      }
      assertEquals(6, grad.forwards());
      assertEquals(6, grad.backwards());
    }
  }

  @Test
  void samplesPassAnMmdTestAgainstHeldOutDataThatRejectsAnUntrainedNetAndAGaussian() {
    try (TrainedDenoiser loaded = TrainedDenoiser.open(folder)) {
      SampleDistance.MmdTest good = SampleDistance.mmd(sample(loaded), heldOut, 2, 200, 0.01, 13);
      System.out.println("trained: " + good);
      assertFalse(good.rejects(), "trained denoiser's samples against held-out draws: " + good);
    }
    // power: one step at a learning rate of 1e-9 leaves the keyed initial network
    DenoiserTrainingSettings none = SETTINGS.withEpochs(1).withLearningRate(1e-9);
    try (TrainedDenoiser untrained = DenoiserTrainer.trainAndKeep(java.util.Arrays.copyOf(train, 512), COLUMNS, none, 7,
        tmp.resolve("untrained"))) {
      SampleDistance.MmdTest bad = SampleDistance.mmd(sample(untrained), heldOut, 2, 200, 0.01, 13);
      System.out.println("untrained: " + bad);
      assertTrue(bad.rejects(), "an untrained network must be rejected: " + bad);
    }
    // power: a Gaussian with the training data's mean and std (the right first two moments, not the mixture)
    Standardisation st = inMemory.standardisation();
    double[] gaussian = flat(st.toData(new GaussianDraws(11).initialNoise(keys(N, 5_000_000), 2)));
    SampleDistance.MmdTest normal = SampleDistance.mmd(gaussian, heldOut, 2, 200, 0.01, 13);
    System.out.println("gaussian: " + normal);
    assertTrue(normal.rejects(), "a Gaussian with the data's mean and std must be rejected: " + normal);
    assertTrue(normal.pValue() < 0.006, "clearly rejected: no permutation of 200 reaches it: " + normal);
  }

  @Test
  void theLoadedFolderPredictsExactlyAsTheTrainedNetworkAndRecordsTheStandardisation() {
    DenoiserManifest m = DenoiserFolder.read(folder);
    assertEquals(inMemory.manifest(), m);
    assertEquals(COLUMNS, m.columns());
    double[] mean = new double[2];
    for (double[] r : train) {
      mean[0] += r[0] / TRAIN;
      mean[1] += r[1] / TRAIN;
    }
    assertArrayEquals(mean, m.standardisation().means(), 1e-12);
    assertEquals(SETTINGS.epochs(), m.lossCurve().length);
    assertTrue(m.lossCurve()[SETTINGS.epochs() - 1] < 0.8 * m.lossCurve()[0], "the loss falls: " + m);
    double[] x = new GaussianDraws(3).initialNoise(keys(64, 0), 2);
    NoiseLevel[] levels = new NoiseLevel[64];
    for (int r = 0; r < 64; r++) {
      levels[r] = m.schedule().level((r * 997) % 1000);
    }
    double[] before = new double[x.length];
    inMemory.predict(x, levels, before);
    double[] after = new double[x.length];
    try (TrainedDenoiser loaded = TrainedDenoiser.open(folder)) {
      loaded.predict(x, levels, after);
      assertArrayEquals(before, after, 0.0, "the saved and loaded network must predict bit for bit as the trained one");
      assertEquals(2, loaded.dimension());
      // a row's prediction does not depend on its batch (float rounding aside)
      double[] alone = new double[2];
      loaded.predict(java.util.Arrays.copyOfRange(x, 10, 12), new NoiseLevel[] {levels[5]}, alone);
      assertArrayEquals(java.util.Arrays.copyOfRange(after, 10, 12), alone, 1e-5);
    }
    assertTrue(java.util.Arrays.stream(before).allMatch(Double::isFinite));
  }

  /**
   * Also under garbage-collector pressure (System.gc() every 2 ms in another thread): DJL's scalar ops
   * (swishBlock, L2Loss) kept Java buffers in the autograd graph that the collector freed before the
   * backward pass, which made trainings differ and sometimes diverge; SiluBlock and EpsilonLoss avoid them.
   */
  @Test
  void theSameSeedGivesBitIdenticalParametersAndAnotherSeedOthers() throws Exception {
    DenoiserTrainingSettings small = SETTINGS.withNetwork(2, 32, 16).withEpochs(8).withBatchSize(64);
    double[][] rows = java.util.Arrays.copyOf(train, 1000);
    DenoiserManifest a = DenoiserTrainer.train(rows, COLUMNS, small, 3, tmp.resolve("a"));
    Thread gc = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    gc.setDaemon(true);
    gc.start();
    DenoiserManifest b;
    try {
      b = DenoiserTrainer.train(rows, COLUMNS, small, 3, tmp.resolve("b"));
    } finally {
      gc.interrupt();
      gc.join();
    }
    DenoiserManifest c = DenoiserTrainer.train(rows, COLUMNS, small, 4, tmp.resolve("c"));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(a.parametersFile())),
        Files.readAllBytes(tmp.resolve("b").resolve(b.parametersFile())), "same seed, same parameter bytes");
    assertArrayEquals(a.lossCurve(), b.lossCurve(), 0.0);
    assertEquals(Files.readString(tmp.resolve("a").resolve(DenoiserFolder.MANIFEST)),
        Files.readString(tmp.resolve("b").resolve(DenoiserFolder.MANIFEST)));
    assertNotEquals(a.parametersSha256(), c.parametersSha256(), "another seed, other parameters");
  }

  @Test
  void refusesCorruptOrMismatchedFoldersNamingTheFileAndTheRule() throws IOException {
    assertMessage(() -> TrainedDenoiser.open(tmp.resolve("absent")), "model.dir", "must be a folder");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertMessage(() -> TrainedDenoiser.open(empty), "must hold denoiser.json");

    Path params = copy("flipped").resolve(inMemory.manifest().parametersFile());
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length / 2] ^= 1;
    Files.write(params, bytes);
    assertMessage(() -> TrainedDenoiser.open(params.getParent()), params.toString(), "SHA-256", "corrupt");

    assertMessage(() -> TrainedDenoiser.open(edit("version", "\"format_version\": 1", "\"format_version\": 2")),
        DenoiserFolder.MANIFEST, "format_version 1");
    assertMessage(() -> TrainedDenoiser.open(edit("notjson", "{", "[{")), DenoiserFolder.MANIFEST, "readable JSON");
    assertMessage(() -> TrainedDenoiser.open(edit("width", "\"hidden_width\": 128", "\"hidden_width\": 64")),
        "parameter file", "must hold the parameters of the architecture");
    assertMessage(() -> TrainedDenoiser.open(edit("dims", "\"input_dim\": 2", "\"input_dim\": 3")),
        "input_dim equal to the number of columns");
    String stds = "\"stds\": [\n    " + inMemory.standardisation().stds()[0];
    assertMessage(() -> TrainedDenoiser.open(edit("std", stds, "\"stds\": [\n    0.0")), "std > 0", "'x'");
    assertMessage(() -> TrainedDenoiser.open(edit("schedule", "\"beta_end\": 0.02", "\"beta_end\": 2.0")),
        "must hold valid settings", "beta_end");

    Path garbage = copy("garbage");
    Path file = garbage.resolve(inMemory.manifest().parametersFile());
    Files.write(file, "not DJL parameters".getBytes(StandardCharsets.UTF_8));
    Path manifest = garbage.resolve(DenoiserFolder.MANIFEST);
    Files.writeString(manifest, Files.readString(manifest).replace(inMemory.manifest().parametersSha256(),
        DenoiserFolder.sha256(file)));
    assertMessage(() -> TrainedDenoiser.open(garbage), file.toString(), "must be a DJL parameter file");

    // training refuses a non-empty folder, bad rows and bad settings
    assertMessage(() -> DenoiserTrainer.train(train, COLUMNS, SETTINGS, 1, folder), "model.dir", "must be empty");
    double[][] nan = {{1, 2}, {3, Double.NaN}, {5, 6}};
    assertMessage(() -> DenoiserTrainer.train(nan, COLUMNS, SETTINGS, 1, tmp.resolve("nan")), "column 'y'", "finite",
        "row 1");
    assertMessage(() -> SETTINGS.withLearningRate(0), "learning_rate", "(0, 1]");
    assertMessage(() -> SETTINGS.withBatchSize(0), "batch_size");
    assertMessage(() -> SETTINGS.withNetwork(3, 128, 7), "time_embedding_dim", "even");
  }

  private Path copy(String name) throws IOException {
    Path to = Files.createDirectories(tmp.resolve(name));
    try (var files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private Path edit(String name, String from, String to) throws IOException {
    Path dir = copy(name);
    Path manifest = dir.resolve(DenoiserFolder.MANIFEST);
    String text = Files.readString(manifest);
    assertTrue(text.contains(from), "the manifest holds " + from + ":\n" + text);
    Files.writeString(manifest, text.replaceFirst(java.util.regex.Pattern.quote(from),
        java.util.regex.Matcher.quoteReplacement(to)));
    return dir;
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable e, String... parts) {
    RuntimeException ex = assertThrows(RuntimeException.class, e);
    for (String p : parts) {
      assertTrue(String.valueOf(ex.getMessage()).contains(p), "'" + p + "' in: " + ex.getMessage());
    }
  }
}
