package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model files are loaded only in formats that run no code on load ({@link ModelFileCheck}):
 * pickles and torch.save checkpoints made by src/test/resources/model/unsafe/make_unsafe_fixtures.py
 * (python3-torch 1.13) are refused with an exit-code-2 config error naming model.path before any
 * engine sees them; the TorchScript and ONNX fixtures still pass and load; missing, empty and
 * truncated files give the same kind of clear error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelFileSafetyTest {
  private static final Path MODELS = Path.of("src/test/resources/model");
  private static final Path UNSAFE = MODELS.resolve("unsafe");

  @TempDir
  Path tmp;

  @BeforeAll
  void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static ConfigException refused(ModelFormat format, Path file) {
    ConfigException e = assertThrows(ConfigException.class, () -> ExportedLm.load(format, file, 64, Device.cpu()));
    String m = e.getMessage();
    assertEquals(2, e.exitCode());
    assertTrue(m.startsWith("parameter 'model.path' "), m);
    assertTrue(m.contains(file.toString()), "names the file: " + m);
    assertFalse(m.contains("frame #"), "no native stack trace: " + m);
    return e;
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({"state_dict.pt,TORCHSCRIPT,torch.save checkpoint (data.pkl without code/)",
      "legacy_save.pt,TORCHSCRIPT,Python pickle (protocol 2)", "raw_pickle.pkl,TORCHSCRIPT,Python pickle (protocol 2)",
      "raw_pickle_p0.pkl,TORCHSCRIPT,Python pickle (protocol 0 or 1)", "raw_pickle.pkl,ONNX,Python pickle (protocol 2)",
      "legacy_save.pt,ONNX,Python pickle (protocol 2)", "state_dict.pt,ONNX,zip archive"})
  void pickledFilesAreRefusedBeforeAnyEngineSeesThem(String name, ModelFormat format, String what) {
    String m = refused(format, UNSAFE.resolve(name)).getMessage();
    assertTrue(m.contains(ModelFileCheck.RULE), "states the rule: " + m);
    assertTrue(m.contains(what), "says what the file is (" + what + "): " + m);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_gpt.pt", "tiny_gpt_cached.pt", "toy_gpt/model.pt", "toy_gpt/model_cached.pt",
      "hf_gpt2/model.pt", "hf_gpt2/model_cached.pt", "hf_llama/model.pt", "hf_llama/model_cached.pt",
      "hf_gpt2/model.onnx", "hf_gpt2/model_cached.onnx", "hf_llama/model.onnx", "hf_llama/model_cached.onnx",
      "toy_mlm/model.pt", "toy_mlm/model.onnx"})
  void exportedFixturesPassTheCheck(String name) {
    ModelFormat format = name.endsWith(".onnx") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT;
    assertDoesNotThrow(() -> ModelFileCheck.require(format, MODELS.resolve(name)));
  }

  @Test
  void checkedFixturesStillLoadInBothEngines() {
    try (ExportedLm ts = ExportedLm.load(ModelFormat.TORCHSCRIPT, MODELS.resolve("tiny_gpt.pt"), 64, Device.cpu());
        ExportedLm onnx = ExportedLm.load(ModelFormat.ONNX, MODELS.resolve("hf_gpt2/model.onnx"), 64, Device.cpu())) {
      assertTrue(ts.identity().startsWith("torchscript(tiny_gpt.pt"), ts.identity());
      assertTrue(onnx.identity().startsWith("onnx(model.onnx"), onnx.identity());
    }
  }

  @Test
  void aFileOfTheOtherFormatIsNamedAsSuch() {
    assertTrue(refused(ModelFormat.TORCHSCRIPT, MODELS.resolve("hf_gpt2/model.onnx")).getMessage()
        .contains("it is an ONNX model: set model.type=onnx"));
    assertTrue(refused(ModelFormat.ONNX, MODELS.resolve("tiny_gpt.pt")).getMessage().contains("not an ONNX ModelProto"));
  }

  @Test
  void missingEmptyAndTruncatedFilesAreClearConfigErrors() throws IOException {
    assertTrue(refused(ModelFormat.TORCHSCRIPT, tmp.resolve("nope.pt")).getMessage().contains("no such file"));
    assertTrue(refused(ModelFormat.ONNX, tmp.resolve("nope.onnx")).getMessage().contains("no such file"));
    Path empty = Files.write(tmp.resolve("empty.pt"), new byte[0]);
    assertTrue(refused(ModelFormat.TORCHSCRIPT, empty).getMessage().contains("empty"));
    for (String name : new String[] {"tiny_gpt.pt", "hf_gpt2/model.onnx", "hf_gpt2/model_cached.onnx"}) {
      byte[] whole = Files.readAllBytes(MODELS.resolve(name));
      for (int keep : new int[] {whole.length / 2, whole.length - 1}) {
        Path cut = Files.write(tmp.resolve("cut-" + keep + "-" + Path.of(name).getFileName()), Arrays.copyOf(whole, keep));
        ModelFormat format = name.endsWith(".onnx") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT;
        String m = refused(format, cut).getMessage();
        assertTrue(m.contains("truncated or corrupt"), keep + " of " + whole.length + " bytes of " + name + ": " + m);
      }
    }
  }
}
