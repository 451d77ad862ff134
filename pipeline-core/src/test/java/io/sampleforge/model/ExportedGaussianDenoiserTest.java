package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.DpmSolverPlusPlus;
import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.NonFiniteOutputException;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleBatch;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The exported denoiser contract on src/test/resources/model/gauss_mlp (make_gauss_mlp.py: an MLP
 * noise predictor of a 2-D Gaussian mixture, trained with python3-torch, in TorchScript and ONNX,
 * unconditional and class-conditional, plus an untrained image-shaped probe with a closed-form
 * output): DJL's outputs equal PyTorch's, the Java DPM-Solver++ 2M with the model reproduces the
 * sample the script computed, the image layout is C order, shape mismatches fail with the key named,
 * non-finite outputs stop a solver with the row and model time named, and a row's prediction does not
 * depend on its batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportedGaussianDenoiserTest {
  private static final Path DIR = Path.of("src/test/resources/model/gauss_mlp");
  private static final RowShape FLAT = RowShape.of(2);
  private static final RowShape IMAGE = RowShape.of(2, 2, 3);
  private JsonNode ref;
  private ExportedGaussianDenoiser ts;
  private ExportedGaussianDenoiser onnx;
  private ExportedGaussianDenoiser tsCond;
  private ExportedGaussianDenoiser onnxCond;

  @BeforeAll
  void start() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
    ts = ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, DIR.resolve("model.pt"), FLAT, PredictionType.EPSILON,
        Device.cpu());
    onnx = ExportedGaussianDenoiser.load(ModelFormat.ONNX, DIR.resolve("model.onnx"), FLAT, PredictionType.EPSILON,
        Device.cpu());
    tsCond = ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, DIR.resolve("model_cond.pt"), FLAT,
        PredictionType.EPSILON, 3, Device.cpu());
    onnxCond = ExportedGaussianDenoiser.load(ModelFormat.ONNX, DIR.resolve("model_cond.onnx"), FLAT,
        PredictionType.EPSILON, 3, Device.cpu());
  }

  @AfterAll
  void stop() {
    for (ExportedGaussianDenoiser d : List.of(ts, onnx, tsCond, onnxCond)) {
      d.close();
    }
  }

  private static double[] flat(JsonNode rows) {
    double[] out = new double[rows.size() * rows.get(0).size()];
    int k = 0;
    for (JsonNode row : rows) {
      for (JsonNode v : row) {
        out[k++] = v.asDouble();
      }
    }
    return out;
  }

  /** Levels with the reference's model times; alpha and sigma do not reach the model. */
  private NoiseLevel[] referenceLevels() {
    JsonNode t = ref.get("t");
    NoiseLevel[] levels = new NoiseLevel[t.size()];
    for (int r = 0; r < levels.length; r++) {
      levels[r] = new NoiseLevel(t.get(r).asDouble(), 0.6, 0.8);
    }
    return levels;
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], tol, what + " at " + j);
    }
  }

  @Test
  void outputsMatchPyTorchInBothFormats() {
    double[] x = flat(ref.get("x"));
    NoiseLevel[] levels = referenceLevels();
    double[] eps = flat(ref.get("eps"));
    double[] epsCond = flat(ref.get("eps_cond"));
    int[] y = new int[levels.length];
    for (int r = 0; r < y.length; r++) {
      y[r] = ref.get("y").get(r).asInt();
    }
    for (ExportedGaussianDenoiser m : List.of(ts, onnx, tsCond, onnxCond)) {
      double[] out = new double[x.length];
      m.predict(x, levels, out); // the conditional models get the null class
      assertClose(eps, out, 1e-5, m.identity());
    }
    for (ExportedGaussianDenoiser m : List.of(tsCond, onnxCond)) {
      double[] out = new double[x.length];
      m.predict(x, levels, y, out);
      assertClose(epsCond, out, 1e-5, m.identity() + " with labels");
      double[] viaView = new double[x.length];
      m.conditionedOn(y).predict(x, levels, viaView);
      assertArrayEquals(out, viaView, m.identity());
    }
    // the labels matter: class 0 and the null class differ on row 0
    assertTrue(Math.abs(eps[0] - epsCond[0]) > 1e-3, "label effect " + eps[0] + " vs " + epsCond[0]);
    assertTrue(ts.identity().startsWith("torchscript(model.pt, sha256="), ts.identity());
    assertTrue(onnxCond.identity().endsWith("[gaussian, shape=[2], epsilon, classes=3]"), onnxCond.identity());
    assertEquals(Device.cpu(), onnx.device());
    assertThrows(IllegalArgumentException.class, () -> tsCond.conditionedOn(new int[] {0, 4}));
    assertThrows(IllegalArgumentException.class, () -> ts.conditionedOn(new int[] {0}));
  }

  @Test
  void dpmSolverWithTheModelReproducesThePyTorchSample() {
    JsonNode sample = ref.get("sample");
    TimeGrid grid = TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(), DiffusersSpacing.LINSPACE, 10, 0,
        FinalSigma.ZERO);
    JsonNode timesteps = sample.get("timesteps");
    assertEquals(10, timesteps.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(timesteps.get(i).asDouble(), grid.level(i).modelTime(), "timestep " + i);
    }
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(grid, DpmSolverSettings.DIFFUSERS);
    double[] xT = flat(sample.get("x_T"));
    double[] expected = flat(sample.get("x_0"));
    SampleKey[] keys = new SampleKey[xT.length / 2];
    for (int r = 0; r < keys.length; r++) {
      keys[r] = new SampleKey(r, 0);
    }
    for (ExportedGaussianDenoiser m : List.of(ts, onnx)) {
      SampleBatch out = solver.run(m, xT, keys, new GaussianDraws(1));
      assertEquals(10, out.modelCalls());
      assertClose(expected, out.samples(), 1e-4, m.identity());
    }
    // and the trained model's samples lie on the mixture: each within 4 standard deviations of a component
    double[][] means = {{-2, -1}, {2, -1}, {0, 2}};
    double[][] stds = {{0.3, 0.5}, {0.5, 0.3}, {0.4, 0.4}};
    for (int r = 0; r < keys.length; r++) {
      double best = Double.POSITIVE_INFINITY;
      for (int k = 0; k < 3; k++) {
        double z = 0;
        for (int i = 0; i < 2; i++) {
          z = Math.max(z, Math.abs(expected[2 * r + i] - means[k][i]) / stds[k][i]);
        }
        best = Math.min(best, z);
      }
      assertTrue(best < 4, "sample " + r + " is " + best + " standard deviations from every component");
    }
  }

  /** The probe's formula: out[b, c, h, w] = x[b, 1 - c, h, 2 - w] + 0.001 t[b] (c + 1) + log(1 + x[b, 0, 0, 0] / 10). */
  private static double[] probeFormula(double[] x, double[] t) {
    double[] out = new double[x.length];
    for (int b = 0; b < t.length; b++) {
      double corner = Math.log(1 + x[b * 12] / 10);
      for (int c = 0; c < 2; c++) {
        for (int h = 0; h < 2; h++) {
          for (int w = 0; w < 3; w++) {
            out[b * 12 + c * 6 + h * 3 + w] = x[b * 12 + (1 - c) * 6 + h * 3 + (2 - w)] + 0.001 * t[b] * (c + 1) + corner;
          }
        }
      }
    }
    return out;
  }

  @Test
  void imageRowsAreCOrderAndSolversRefuseNonFiniteOutputs() {
    for (ModelFormat format : ModelFormat.values()) {
      Path file = DIR.resolve(format == ModelFormat.ONNX ? "probe.onnx" : "probe.pt");
      try (ExportedGaussianDenoiser probe = ExportedGaussianDenoiser.load(format, file, IMAGE, PredictionType.SAMPLE,
          Device.cpu())) {
        assertEquals(12, probe.dimension());
        double[] x = new double[3 * 12];
        for (int j = 0; j < x.length; j++) {
          x[j] = Math.sin(1.7 * j + 0.3) * 3;
        }
        double[] t = {999, 250.5, 0};
        NoiseLevel[] levels = new NoiseLevel[3];
        for (int r = 0; r < 3; r++) {
          levels[r] = new NoiseLevel(t[r], 0.8, 0.6);
        }
        double[] out = new double[x.length];
        probe.predict(x, levels, out);
        assertClose(probeFormula(x, t), out, 1e-5, file.toString());

        // a NaN (row 1: log of a negative number) and an infinity (row 2: log 0) pass through predict ...
        x[12] = -20;
        x[24] = -10;
        probe.predict(x, levels, out);
        assertTrue(Double.isNaN(out[12]) && Double.isInfinite(out[24]) && Double.isFinite(out[0]), Arrays.toString(out));
        // ... and a solver refuses them, naming the row, the step and the level with its model time
        DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
            DiffusersSpacing.LINSPACE, 3, 0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
        SampleKey[] keys = {new SampleKey(0, 0), new SampleKey(1, 0), new SampleKey(2, 0)};
        NonFiniteOutputException nan = assertThrows(NonFiniteOutputException.class,
            () -> solver.run(probe, x, keys, new GaussianDraws(1)));
        assertEquals(1, nan.row());
        assertEquals(0, nan.step());
        assertEquals(999.0, nan.level().modelTime());
        assertTrue(nan.getMessage().startsWith("the denoiser returned NaN for row 1, coordinate 0 at step 0 "
            + "(NoiseLevel[modelTime=999.0,"), nan.getMessage());
        x[12] = 0;
        NonFiniteOutputException inf = assertThrows(NonFiniteOutputException.class,
            () -> solver.run(probe, x, keys, new GaussianDraws(1)));
        assertEquals(2, inf.row());
        assertEquals(Double.NEGATIVE_INFINITY, inf.value());
      }
    }
  }

  @Test
  void shapeMismatchesAreConfigErrorsNamingTheKey() {
    Path mlp = DIR.resolve("model.pt");
    for (ModelFormat format : ModelFormat.values()) {
      Path file = format == ModelFormat.ONNX ? DIR.resolve("model.onnx") : mlp;
      ConfigException wide = assertThrows(ConfigException.class,
          () -> ExportedGaussianDenoiser.load(format, file, RowShape.of(3), PredictionType.EPSILON, Device.cpu()));
      assertTrue(wide.getMessage().startsWith("parameter 'model.shape' must be the input shape of the model"),
          wide.getMessage());
      assertTrue(wide.getMessage().endsWith("; got [3]"), wide.getMessage());
    }
    // [1, 2] is accepted as input by the MLP, which broadcasts it to [2, 2, 2]: the output check names the key
    ConfigException out = assertThrows(ConfigException.class,
        () -> ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, mlp, RowShape.of(1, 2), PredictionType.EPSILON,
            Device.cpu()));
    assertTrue(out.getMessage().contains("must be the output shape of the model at model.path"), out.getMessage());
    assertTrue(out.getMessage().contains("for input [2, 1, 2] it returned [2, 2, 2]"), out.getMessage());
    // an image model given a flat shape
    ConfigException flat = assertThrows(ConfigException.class,
        () -> ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, DIR.resolve("probe.pt"), RowShape.of(12),
            PredictionType.SAMPLE, Device.cpu()));
    assertTrue(flat.getMessage().startsWith("parameter 'model.shape'"), flat.getMessage());
    // contract mismatches: labels to an unconditional model, none to a conditional one
    ConfigException extra = assertThrows(ConfigException.class,
        () -> ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, mlp, FLAT, PredictionType.EPSILON, 3, Device.cpu()));
    assertTrue(extra.getMessage().contains("y int64 [B]"), extra.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ExportedGaussianDenoiser.load(ModelFormat.ONNX, DIR.resolve("model_cond.onnx"), FLAT,
            PredictionType.EPSILON, Device.cpu()));
    assertTrue(missing.getMessage().contains("model.num_classes 0"), missing.getMessage());
    // the file checks of every exported model come first
    ConfigException pickle = assertThrows(ConfigException.class,
        () -> ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, Path.of("src/test/resources/model/unsafe/state_dict.pt"),
            FLAT, PredictionType.EPSILON, Device.cpu()));
    assertTrue(pickle.getMessage().startsWith("parameter 'model.path' " + ModelFileCheck.RULE), pickle.getMessage());
    assertThrows(ConfigException.class, () -> RowShape.parse("3,0,2"));
    assertEquals(RowShape.of(3, 32, 32), RowShape.parse("[3, 32, 32]"));
    assertEquals(3072, RowShape.parse("3x32x32").dimension());
  }

  @Test
  void aRowsPredictionDoesNotDependOnItsBatch() {
    int rows = 7;
    double[] x = new double[rows * 2];
    NoiseLevel[] levels = new NoiseLevel[rows];
    DiscreteVpSchedule schedule = DiscreteVpSchedule.diffusersDefault();
    for (int r = 0; r < rows; r++) {
      x[2 * r] = 2.5 * Math.cos(r);
      x[2 * r + 1] = -1.5 + 0.5 * r;
      levels[r] = schedule.level(140 * r + 17);
    }
    for (ExportedGaussianDenoiser m : List.of(ts, onnx, tsCond)) {
      double[] batch = new double[x.length];
      m.predict(x, levels, batch);
      // the same rows in reverse order, then with every other row replaced
      double[] reversedX = new double[x.length];
      NoiseLevel[] reversedLevels = new NoiseLevel[rows];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(x, 2 * (rows - 1 - r), reversedX, 2 * r, 2);
        reversedLevels[r] = levels[rows - 1 - r];
      }
      double[] reversed = new double[x.length];
      m.predict(reversedX, reversedLevels, reversed);
      double[] otherX = x.clone();
      NoiseLevel[] otherLevels = levels.clone();
      for (int r = 1; r < rows; r += 2) {
        otherX[2 * r] = 40;
        otherX[2 * r + 1] = -40;
        otherLevels[r] = schedule.level(999);
      }
      double[] other = new double[x.length];
      m.predict(otherX, otherLevels, other);
      for (int r = 0; r < rows; r++) {
        double[] alone = new double[2];
        m.predict(Arrays.copyOfRange(x, 2 * r, 2 * r + 2), new NoiseLevel[] {levels[r]}, alone);
        for (int i = 0; i < 2; i++) {
          double v = batch[2 * r + i];
          assertEquals(v, alone[i], 1e-6, m.identity() + " row " + r + " alone");
          assertEquals(v, reversed[2 * (rows - 1 - r) + i], 1e-6, m.identity() + " row " + r + " reversed");
          if (r % 2 == 0) {
            assertEquals(v, other[2 * r + i], 1e-6, m.identity() + " row " + r + " among other rows");
          }
        }
      }
      // and the rows do differ, so the comparison has power
      assertTrue(Math.abs(batch[0] - batch[2]) > 1e-2, m.identity());
    }
  }

  @Test
  void sharedModelsAreLoadedOncePerJvmAndOnnxFallsBackToTheCpu() {
    Path file = DIR.resolve("model.pt");
    ExportedGaussianDenoiser a = ExportedGaussianDenoiser.shared(ModelFormat.TORCHSCRIPT, file, FLAT,
        PredictionType.EPSILON, 0, Device.cpu());
    try (ExportedGaussianDenoiser b = ExportedGaussianDenoiser.shared(ModelFormat.TORCHSCRIPT, file, FLAT,
        PredictionType.EPSILON, 0, Device.cpu())) {
      assertEquals(ts.identity(), a.identity());
      NoiseLevel[] levels = referenceLevels();
      double[] x = flat(ref.get("x"));
      double[] pa = new double[x.length];
      double[] pb = new double[x.length];
      a.predict(x, levels, pa);
      a.close(); // closes a's predictor only; b still runs on the shared model
      b.predict(x, levels, pb);
      assertArrayEquals(pa, pb);
    }
    // an ONNX model asked for a GPU the OnnxRuntime engine cannot use runs on the CPU (the Maven Central runtime)
    Assumptions.assumeTrue(ai.djl.engine.Engine.getEngine("OnnxRuntime").getGpuCount() == 0, "ONNX Runtime sees a GPU");
    try (ExportedGaussianDenoiser g = ExportedGaussianDenoiser.shared(ModelFormat.ONNX, DIR.resolve("model.onnx"), FLAT,
        PredictionType.EPSILON, 0, Device.gpu())) {
      assertEquals(Device.cpu(), g.device());
    }
  }
}
