package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.discrete.DenoiserOutput;
import io.sampleforge.diffusion.discrete.DiffusionSample;
import io.sampleforge.diffusion.discrete.FirstHittingSampler;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.FloatLogits;
import io.sampleforge.diffusion.discrete.MaskedDenoiser;
import io.sampleforge.diffusion.discrete.SequenceKey;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.text.ToyGrammar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masked export contract on the toy masked LM made by
 * src/test/resources/model/make_toy_mlm.py (python3-torch, trained on the toy grammar with the
 * absorbing-state objective) and its ONNX export by make_toy_mlm_onnx.py: DJL's logits equal the
 * ones PyTorch wrote in both formats, first-hitting samples from the model are mostly sentences of
 * the grammar (against a uniform denoiser that almost never makes one), the two formats sample the
 * same tokens, and a sequence gets the same tokens alone or in a batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportedMaskedDenoiserTest {
  private static final Path DIR = Path.of("src/test/resources/model/toy_mlm");
  private static final int V = 45;
  private static final int MASK = 44;
  private static final int EOS = 2;
  private static final int LENGTH = 16;
  private ExportedMaskedDenoiser model;
  private ExportedMaskedDenoiser onnx;
  private String[] words;

  @BeforeAll
  void start() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    model = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT, DIR.resolve("model.pt"), V, MASK, Device.cpu());
    onnx = ExportedMaskedDenoiser.load(ModelFormat.ONNX, DIR.resolve("model.onnx"), V, MASK, Device.cpu());
    JsonNode vocab = new ObjectMapper().readTree(DIR.resolve("tokenizer.json").toFile()).get("model").get("vocab");
    words = new String[V];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      words[e.getValue().asInt()] = e.getKey();
    }
    assertEquals("<mask>", words[MASK]);
    assertEquals("</s>", words[EOS]);
  }

  @AfterAll
  void stop() {
    model.close();
    onnx.close();
  }

  @Test
  void logitsMatchPyTorch() throws IOException {
    assertMatchesReference(model);
    assertTrue(model.identity().startsWith("torchscript(model.pt, sha256="), model.identity());
    assertEquals(ModelFormat.TORCHSCRIPT, model.format());
  }

  /** The ONNX export of the same module gives PyTorch's logits too (ONNX Runtime 1.21 through DJL). */
  @Test
  void onnxLogitsMatchPyTorch() throws IOException {
    assertMatchesReference(onnx);
    assertTrue(onnx.identity().startsWith("onnx(model.onnx, sha256="), onnx.identity());
    assertTrue(onnx.identity().endsWith("[masked, mask_id=44]"), onnx.identity());
    assertEquals(ModelFormat.ONNX, onnx.format());
  }

  private static void assertMatchesReference(ExportedMaskedDenoiser denoiser) throws IOException {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
    assertEquals(MASK, ref.get("mask_id").asInt());
    JsonNode ids = ref.get("input_ids");
    int rows = ids.size();
    int[][] tokens = new int[rows][LENGTH];
    for (int r = 0; r < rows; r++) {
      for (int l = 0; l < LENGTH; l++) {
        tokens[r][l] = ids.get(r).get(l).asInt();
      }
    }
    float[] got = denoiser.logits(tokens);
    int checked = 0;
    for (int r = 0; r < rows; r++) {
      for (int l = 0; l < LENGTH; l++) {
        for (int v = 0; v < V; v++) {
          double expected = ref.get("logits").get(r).get(l).get(v).asDouble();
          assertEquals(expected, got[(r * LENGTH + l) * V + v], 1e-4, "row " + r + " position " + l + " token " + v);
          checked++;
        }
      }
    }
    assertEquals(4 * LENGTH * V, checked);
    assertFalse(denoiser.timeConditioned());
  }

  /**
   * TorchScript and ONNX agree on other inputs than the reference's (other batch sizes and lengths,
   * so the ONNX graph's batch and length axes are dynamic): logits within 1e-4 and the same argmax
   * at every position. Their samples are compared in {@link #firstHittingSamplesAreMostlyGrammatical}.
   */
  @Test
  void torchScriptAndOnnxLogitsAgreeOnOtherShapes() {
    for (int[] shape : new int[][] {{1, 1}, {3, 7}, {9, LENGTH}}) {
      int[][] tokens = new int[shape[0]][shape[1]];
      for (int b = 0; b < shape[0]; b++) {
        for (int l = 0; l < shape[1]; l++) {
          tokens[b][l] = (b + 2 * l) % 3 == 0 ? MASK : 3 + (b * 11 + l * 5) % 41;
        }
      }
      float[] ts = model.logits(tokens);
      float[] ox = onnx.logits(tokens);
      assertArrayEquals(ts, ox, 1e-4f, java.util.Arrays.toString(shape));
      for (int p = 0; p < shape[0] * shape[1]; p++) {
        assertEquals(argmax(ts, p), argmax(ox, p), "position " + p + " of " + java.util.Arrays.toString(shape));
      }
    }
  }

  private static int argmax(float[] logits, int position) {
    int best = 0;
    for (int v = 1; v < V; v++) {
      if (logits[position * V + v] > logits[position * V + best]) {
        best = v;
      }
    }
    return best;
  }

  private float[] rawLogits(int[][] tokens) {
    return model.logits(tokens);
  }

  /**
   * Exact first-hitting sampling from fully masked rows of 16: most samples read, up to their first
   * {@code </s>}, as a sentence of the toy grammar followed only by {@code </s>}; the same sampler over
   * a uniform denoiser (an untrained model's best guess) almost never does. The ONNX export, sampled
   * with the same seed and keys, gives the same rows: all 300 were identical on the CPU here; up to 3
   * may differ, since a float32 rounding difference flips a float64 inverse-CDF draw when a uniform
   * falls within rounding of a CDF boundary (and changes the rest of that row).
   */
  @Test
  void firstHittingSamplesAreMostlyGrammatical() {
    int n = 300;
    List<DiffusionSample> fromTorchScript = firstHitting(model, n);
    double trained = grammaticalShare(fromTorchScript);
    double uniform = grammaticalShare(firstHitting(new UniformDenoiser(), n));
    assertTrue(trained >= 0.75, "trained model: grammatical share " + trained);
    assertTrue(uniform <= 0.02, "uniform denoiser: grammatical share " + uniform);
    assertTrue(trained - uniform >= 0.7, trained + " vs " + uniform);

    List<DiffusionSample> fromOnnx = firstHitting(onnx, n);
    int same = 0;
    for (int i = 0; i < n; i++) {
      same += java.util.Arrays.equals(fromTorchScript.get(i).tokens(), fromOnnx.get(i).tokens()) ? 1 : 0;
    }
    assertTrue(same >= n - 3, "TorchScript and ONNX samples agree on " + same + " of " + n + " rows");
    assertEquals(trained, grammaticalShare(fromOnnx), 3.0 / n);
  }

  private List<DiffusionSample> firstHitting(MaskedDenoiser denoiser, int n) {
    FirstHittingSampler sampler = new FirstHittingSampler(FirstHittingSettings.defaults(), 2026);
    List<SequenceKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new SequenceKey(i, 0));
    }
    List<DiffusionSample> samples = sampler.sample(denoiser, keys, MaskedDenoiser.allMasked(denoiser, n, LENGTH));
    for (DiffusionSample s : samples) {
      assertEquals(LENGTH, s.modelCalls(), "one token per call");
      assertEquals(0, s.masked(MASK));
    }
    return samples;
  }

  private double grammaticalShare(List<DiffusionSample> samples) {
    ToyGrammar grammar = new ToyGrammar();
    int good = 0;
    for (DiffusionSample s : samples) {
      good += grammatical(grammar, s.tokens()) ? 1 : 0;
    }
    return good / (double) samples.size();
  }

  /** A sentence of the grammar, then {@code </s>} to the end of the row. */
  private boolean grammatical(ToyGrammar grammar, int[] tokens) {
    List<String> sentence = new ArrayList<>();
    int l = 0;
    while (l < tokens.length && tokens[l] != EOS) {
      sentence.add(words[tokens[l++]]);
    }
    while (l < tokens.length) {
      if (tokens[l++] != EOS) {
        return false;
      }
    }
    return grammar.grammatical(sentence);
  }

  /**
   * A row sampled alone and inside a batch of 9 (other keys, other given tokens) gets the same tokens.
   * The logits of a row alone and in a batch agree to float rounding (libtorch may pick other CPU
   * kernels for other batch shapes), which the samplers' float64 inverse-CDF draws absorb.
   */
  @Test
  void aSequenceGetsTheSameTokensAloneAndInABatch() {
    int the = indexOf("the");
    int[] row = {the, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK};
    int[][] batch = new int[9][];
    List<SequenceKey> keys = new ArrayList<>();
    for (int b = 0; b < batch.length; b++) {
      batch[b] = MaskedDenoiser.allMasked(model, 1, LENGTH)[0];
      batch[b][b] = indexOf(b % 2 == 0 ? "cats" : "dog");
      keys.add(new SequenceKey(100 + b, b % 3));
    }
    batch[4] = row.clone();
    SequenceKey key = keys.get(4);
    FirstHittingSampler sampler = new FirstHittingSampler(FirstHittingSettings.defaults(), 11);
    DiffusionSample alone = sampler.sample(model, List.of(key), new int[][] {row.clone()}).get(0);
    DiffusionSample inBatch = sampler.sample(model, keys, batch).get(4);
    assertArrayEquals(alone.tokens(), inBatch.tokens());
    assertEquals(alone.modelCalls(), inBatch.modelCalls());
    assertEquals(the, alone.tokens()[0], "a given token is kept");

    float[] one = rawLogits(new int[][] {row});
    float[] all = rawLogits(batch);
    float[] fourth = java.util.Arrays.copyOfRange(all, 4 * LENGTH * V, 5 * LENGTH * V);
    assertArrayEquals(one, fourth, 1e-5f);
  }

  @Test
  void badSettingsAreConfigErrorsNamingTheKey() {
    for (ModelFormat f : ModelFormat.values()) {
      Path file = DIR.resolve(f == ModelFormat.ONNX ? "model.onnx" : "model.pt");
      ConfigException vocab = assertThrows(ConfigException.class,
          () -> ExportedMaskedDenoiser.load(f, file, 44, 43, Device.cpu()));
      assertTrue(vocab.getMessage().contains("'model.vocab_size'") && vocab.getMessage().contains("45"),
          vocab.getMessage());
      ConfigException mask = assertThrows(ConfigException.class,
          () -> ExportedMaskedDenoiser.load(f, file, V, V, Device.cpu()));
      assertTrue(mask.getMessage().contains("'model.mask_id'"), mask.getMessage());
      ConfigException missing = assertThrows(ConfigException.class,
          () -> ExportedMaskedDenoiser.load(f, DIR.resolve("nope"), V, MASK, Device.cpu()));
      assertTrue(missing.getMessage().contains("'model.path'"), missing.getMessage());
      ConfigException pickle = assertThrows(ConfigException.class, () -> ExportedMaskedDenoiser.load(f,
          Path.of("src/test/resources/model/unsafe/state_dict.pt"), V, MASK, Device.cpu()));
      assertTrue(pickle.getMessage().contains(ModelFileCheck.RULE), pickle.getMessage());
    }
    // each format's file under the other format's name
    ConfigException onnxAsTs = assertThrows(ConfigException.class, () -> ExportedMaskedDenoiser.load(
        ModelFormat.TORCHSCRIPT, DIR.resolve("model.onnx"), V, MASK, Device.cpu()));
    assertTrue(onnxAsTs.getMessage().contains("'model.path'") && onnxAsTs.getMessage().contains("model.type=onnx"),
        onnxAsTs.getMessage());
    ConfigException tsAsOnnx = assertThrows(ConfigException.class, () -> ExportedMaskedDenoiser.load(
        ModelFormat.ONNX, DIR.resolve("model.pt"), V, MASK, Device.cpu()));
    assertTrue(tsAsOnnx.getMessage().contains("'model.path'") && tsAsOnnx.getMessage().contains("not an ONNX"),
        tsAsOnnx.getMessage());
  }

  /** An ONNX file cut short, and a complete ONNX model of another vocabulary (the causal hf_gpt2 fixture). */
  @Test
  void badOnnxFilesAreConfigErrorsNamingModelPath(@TempDir Path tmp) throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve("model.onnx"));
    Path cut = tmp.resolve("cut.onnx");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    ConfigException truncated = assertThrows(ConfigException.class,
        () -> ExportedMaskedDenoiser.load(ModelFormat.ONNX, cut, V, MASK, Device.cpu()));
    assertTrue(truncated.getMessage().contains("'model.path'") && truncated.getMessage().contains("cut.onnx")
        && truncated.getMessage().contains("not a complete ONNX ModelProto"), truncated.getMessage());
    ConfigException causal = assertThrows(ConfigException.class, () -> ExportedMaskedDenoiser.load(ModelFormat.ONNX,
        Path.of("src/test/resources/model/hf_gpt2/model.onnx"), 40, 3, Device.cpu()));
    assertTrue(causal.getMessage().contains("'model.vocab_size'") && causal.getMessage().contains("output width 44")
        && causal.getMessage().contains("got 40"),
        causal.getMessage());
  }

  /**
   * The causal models' device rule: an ONNX model asked for a GPU runs on the CPU when the
   * OnnxRuntime engine has no CUDA (the Maven Central jar), and a shared model is loaded once per
   * JVM, format, file and device, its close() leaving the model open for the next task.
   */
  @Test
  void onnxOnAGpuRequestFallsBackToTheCpuAndSharedLoadsOnce() throws IOException {
    Assumptions.assumeTrue(Engine.getEngine(ModelFormat.ONNX.engine()).getGpuCount() == 0,
        "an OnnxRuntime engine with CUDA runs on the GPU instead");
    Path file = DIR.resolve("model.onnx");
    ExportedMaskedDenoiser first = ExportedMaskedDenoiser.shared(ModelFormat.ONNX, file, V, MASK, Device.gpu());
    assertEquals(Device.cpu(), first.device());
    first.close();
    try (ExportedMaskedDenoiser second = ExportedMaskedDenoiser.shared(ModelFormat.ONNX, file, V, MASK,
        Device.cpu())) {
      assertEquals(onnx.identity(), second.identity());
      int[][] row = {MaskedDenoiser.allMasked(second, 1, LENGTH)[0]};
      assertArrayEquals(onnx.logits(row), second.logits(row), 0f, "the shared model still runs after a close()");
    }
  }

  private int indexOf(String word) {
    for (int i = 0; i < words.length; i++) {
      if (word.equals(words[i])) {
        return i;
      }
    }
    throw new IllegalArgumentException(word);
  }

  /** Uniform conditionals over every non-mask token: all logits 0. */
  private static final class UniformDenoiser implements MaskedDenoiser {
    @Override
    public int vocabularySize() {
      return V;
    }

    @Override
    public int maskId() {
      return MASK;
    }

    @Override
    public boolean timeConditioned() {
      return false;
    }

    @Override
    public DenoiserOutput denoise(int[][] tokens, double[] times) {
      int length = tokens.length == 0 ? 0 : tokens[0].length;
      return new FloatLogits(new float[tokens.length * length * V], tokens.length, length, V, MASK);
    }
  }
}
