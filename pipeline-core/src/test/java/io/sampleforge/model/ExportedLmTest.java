package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.decode.NextTokenSampler;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.decode.SequenceState;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The TorchScript export contract on the tiny GPT fixture made by
 * src/test/resources/model/make_tiny_gpt.py (python3-torch 1.13, loaded by libtorch 2.7.1): our
 * logits equal the reference logits written by PyTorch, and cached (incremental) decoding gives
 * the same logits and the same sampled tokens as full recomputation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportedLmTest {
  private static final Path DIR = Path.of("src/test/resources/model");
  private NDManager manager;
  private ExportedLm full;
  private ExportedLm cached;

  @BeforeAll
  void start() {
    System.setProperty("ai.djl.offline", "true");
    manager = NDManager.newBaseManager("PyTorch");
    full = ExportedLm.load(ModelFormat.TORCHSCRIPT, DIR.resolve("tiny_gpt.pt"), 64, Device.cpu());
    cached = ExportedLm.loadCached(ModelFormat.TORCHSCRIPT, DIR.resolve("tiny_gpt_cached.pt"), 64, 2, 2, 16, Device.cpu());
  }

  @AfterAll
  void stop() {
    full.close();
    cached.close();
    manager.close();
  }

  @Test
  void logitsMatchPyTorch() throws IOException {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference_logits.json").toFile());
    JsonNode ids = ref.get("input_ids");
    int rows = ids.size();
    int len = ids.get(0).size();
    int checked = 0;
    for (int t = 1; t <= len; t++) {
      int[][] seqs = new int[rows][t];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < t; j++) {
          seqs[r][j] = ids.get(r).get(j).asInt();
        }
      }
      float[] got = full.nextTokenLogits(manager, seqs).toFloatArray();
      for (int r = 0; r < rows; r++) {
        for (int v = 0; v < 64; v++) {
          double expected = ref.get("logits").get(r).get(t - 1).get(v).asDouble();
          assertEquals(expected, got[r * 64 + v], 1e-4, "row " + r + " position " + (t - 1) + " token " + v);
          checked++;
        }
      }
    }
    assertEquals(2 * 6 * 64, checked);
    assertTrue(full.identity().startsWith("torchscript(tiny_gpt.pt, sha256="));
  }

  /** Incremental decoding (rows of different prompt lengths in one batch) equals full recomputation. */
  @Test
  void cachedDecodingEqualsFullRecomputation() {
    SamplerSettings s = SamplerSettings.builder().topP(.95).build();
    int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7}, {8, 9}};
    List<int[]> withFull = decode(full, s, prompts);
    List<int[]> withCache = decode(cached, s, prompts);
    for (int r = 0; r < prompts.length; r++) {
      assertArrayEquals(withFull.get(r), withCache.get(r), "row " + r);
    }
    // and the logits themselves agree at the end
    int[][] seqs = new int[prompts.length][];
    for (int r = 0; r < prompts.length; r++) {
      int[] g = withFull.get(r);
      seqs[r] = new int[prompts[r].length + g.length - 1];
      System.arraycopy(prompts[r], 0, seqs[r], 0, prompts[r].length);
      System.arraycopy(g, 0, seqs[r], prompts[r].length, g.length - 1);
    }
    cached.clearCache();
    float[] a = full.nextTokenLogits(manager, seqs).toFloatArray();
    float[] b = cached.nextTokenLogits(manager, seqs).toFloatArray();
    assertArrayEquals(a, b, 1e-4f);
  }

  private List<int[]> decode(CausalLm lm, SamplerSettings s, int[][] prompts) {
    NextTokenSampler sampler = new NextTokenSampler(s, 3);
    List<SequenceState> rows = new ArrayList<>();
    for (int r = 0; r < prompts.length; r++) {
      rows.add(new SequenceState(r, 0, prompts[r]));
    }
    for (int step = 0; step < 20; step++) {
      int[][] seqs = new int[rows.size()][];
      for (int r = 0; r < rows.size(); r++) {
        int[] p = rows.get(r).prompt();
        int[] g = rows.get(r).generated();
        seqs[r] = new int[p.length + g.length];
        System.arraycopy(p, 0, seqs[r], 0, p.length);
        System.arraycopy(g, 0, seqs[r], p.length, g.length);
      }
      sampler.next(lm.nextTokenLogits(manager, seqs), rows);
    }
    List<int[]> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.generated()));
    return out;
  }

  @Test
  void aMissingModelFileIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ExportedLm.load(ModelFormat.TORCHSCRIPT, DIR.resolve("nope.pt"), 64, Device.cpu()));
    assertTrue(e.getMessage().contains("'model.path'"), e.getMessage());
  }
}
