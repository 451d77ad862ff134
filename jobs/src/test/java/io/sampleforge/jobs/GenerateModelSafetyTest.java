package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.model.ModelFileCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generate job refuses model files that would run code when loaded (a raw pickle, a
 * torch.save checkpoint; see ModelFileCheck) and truncated model files with exit code 2 and an
 * error naming model.path, before any task runs and without an internal error.
 */
class GenerateModelSafetyTest extends io.sampleforge.spark.LocalSparkTest {
  private static final Path MODELS = Path.of("../pipeline-core/src/test/resources/model");

  @TempDir
  static Path dir;

  /** Runs the job with {@code extra} settings; returns exit code and what it printed on stderr. */
  private static String[] run(String model, String... extra) throws IOException {
    Path prompts = dir.resolve("prompts.csv");
    Files.writeString(prompts, "id,prompt\n1,the\n2,some dogs\n");
    String[] base = {"generate", "--input", prompts.toString(), "--output", dir.resolve("out").toString(),
        "--set", "model.type=torchscript", "--set", "model.path=" + model,
        "--set", "model.tokenizer=" + MODELS.resolve("toy_gpt/tokenizer.json"), "--set", "model.vocab_size=44"};
    String[] args = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Cli r = Cli.run(args);
    return new String[] {String.valueOf(r.code()), r.err()};
  }

  private static void assertRefused(String model, String what) throws IOException {
    String[] r = run(model);
    assertEquals("2", r[0], r[1]);
    assertTrue(r[1].contains("sampleforge: error: parameter 'model.path' "), r[1]);
    assertTrue(r[1].contains(what), r[1]);
    assertTrue(r[1].contains(model), "names the file: " + r[1]);
    assertFalse(r[1].contains("internal error"), r[1]);
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
  }

  @Test
  void picklesAndTorchSaveCheckpointsAreRefusedWithExitCode2() throws IOException {
    assertRefused(MODELS.resolve("unsafe/raw_pickle.pkl").toString(), ModelFileCheck.RULE);
    assertRefused(MODELS.resolve("unsafe/legacy_save.pt").toString(), "Python pickle (protocol 2)");
    assertRefused(MODELS.resolve("unsafe/state_dict.pt").toString(), "torch.save checkpoint");
  }

  @Test
  void missingAndTruncatedModelFilesAreConfigErrors() throws IOException {
    assertRefused(dir.resolve("absent.pt").toString(), "no such file");
    byte[] whole = Files.readAllBytes(MODELS.resolve("toy_gpt/model.pt"));
    Path cut = Files.write(dir.resolve("truncated.pt"), Arrays.copyOf(whole, whole.length / 3));
    assertRefused(cut.toString(), "truncated or corrupt");
  }

  /** An export folder whose model.pt is a torch.save checkpoint: the error names model.dir and model.path. */
  @Test
  void aPickleInsideAnExportFolderIsRefused() throws IOException {
    Path export = Files.createDirectories(dir.resolve("export"));
    Files.copy(MODELS.resolve("hf_gpt2/sampleforge.json"), export.resolve("sampleforge.json"));
    Files.copy(MODELS.resolve("hf_gpt2/tokenizer.json"), export.resolve("tokenizer.json"));
    Files.copy(MODELS.resolve("unsafe/state_dict.pt"), export.resolve("model.pt"));
    Path prompts = Files.writeString(dir.resolve("p2.csv"), "id,prompt\n1,the\n");
    Cli r = Cli.run("generate", "--input", prompts.toString(), "--output", dir.resolve("out2").toString(),
        "--set", "model.type=torchscript", "--set", "model.dir=" + export);
    int code = r.code();
    String printed = r.err();
    assertEquals(2, code, printed);
    assertTrue(printed.contains("'model.dir'") && printed.contains("'model.path'") && printed.contains("torch.save checkpoint"),
        printed);
  }
}
