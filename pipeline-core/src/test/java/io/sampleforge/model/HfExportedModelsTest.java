package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.decode.BatchDecoder;
import io.sampleforge.decode.DecodingMode;
import io.sampleforge.decode.FinishReason;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.decode.SequenceState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hugging Face models (a tiny GPT-2 and a tiny Llama with grouped-query attention, trained on the
 * toy grammar) exported by src/main/python/export_hf_causal_lm.py with torch 2.11 / transformers
 * 5.17 (src/test/resources/model/make_hf_fixtures.py): in every format and contract, our logits
 * equal transformers' own forward, and our greedy decoding (plain, and with repetition penalty +
 * no-repeat-n-gram) produces exactly the tokens of transformers' generate(do_sample=False).
 */
class HfExportedModelsTest extends io.sampleforge.testing.PyTorchFixture {
  private static final Path DIR = Path.of("src/test/resources/model");

  static Stream<Arguments> models() {
    List<Arguments> out = new ArrayList<>();
    for (String model : List.of("hf_gpt2", "hf_llama")) {
      for (ModelFormat format : ModelFormat.values()) {
        out.add(Arguments.of(model, format, false));
        out.add(Arguments.of(model, format, true));
      }
    }
    return out.stream();
  }

  private static ExportedLm open(String model, ModelFormat format, boolean cached) throws IOException {
    ExportDirectory d = ExportDirectory.read(DIR.resolve(model).toString(), new PlainPaths());
    return ExportedLm.load(format, Path.of(d.modelFile(format, cached)), d.vocabSize(), cached ? d.cacheGeometry() : null,
        Device.cpu());
  }

  @ParameterizedTest(name = "{0} {1} cached={2}")
  @MethodSource("models")
  void logitsEqualTransformers(String model, ModelFormat format, boolean cached) throws IOException {
    JsonNode ref = reference(model);
    int[][] prompts = prompts(ref);
    try (ExportedLm lm = open(model, format, cached)) {
      // all prompts in one call: rows of different lengths, as the job batches them
      float[] got = lm.nextTokenLogits(manager, prompts).toFloatArray();
      int vocab = lm.vocabularySize();
      for (int r = 0; r < prompts.length; r++) {
        for (int v = 0; v < vocab; v++) {
          assertEquals(at(ref.get("last_logits"), r).get(v).asDouble(), got[r * vocab + v], 1e-4,
              model + " prompt " + r + " token " + v);
        }
      }
      assertTrue(lm.identity().startsWith(format.configName() + "("), lm.identity());
    }
  }

  @ParameterizedTest(name = "{0} {1} cached={2}")
  @MethodSource("models")
  void greedyDecodingEqualsTransformersGenerate(String model, ModelFormat format, boolean cached) throws IOException {
    JsonNode ref = reference(model);
    int[][] prompts = prompts(ref);
    try (ExportedLm lm = open(model, format, cached)) {
      List<Integer> eos = ExportDirectory.read(DIR.resolve(model).toString(), new PlainPaths()).eosIds();
      assertEquals(List.of(2), eos);
      SamplerSettings plain = SamplerSettings.builder().mode(DecodingMode.GREEDY).eosTokenIds(eos).build();
      check(lm, plain, prompts, ref.get("greedy"), model + " greedy");
      SamplerSettings penalized = plain.toBuilder().repetitionPenalty(1.5).noRepeatNgramSize(2).build();
      check(lm, penalized, prompts, ref.get("greedy_penalized"), model + " greedy_penalized");
    }
  }

  private void check(ExportedLm lm, SamplerSettings s, int[][] prompts, JsonNode expected, String what) {
    List<SequenceState> rows = new ArrayList<>();
    for (int r = 0; r < prompts.length; r++) {
      rows.add(new SequenceState(r, 0, prompts[r]));
    }
    List<BatchDecoder.Result> results = new BatchDecoder(lm, new GenerationSettings(s, 1, 20, List.of(), 8, 1))
        .decode(manager, rows, ids -> "");
    int stoppedAtEos = 0;
    for (int r = 0; r < prompts.length; r++) {
      int[] want = new int[at(expected, r).size()];
      for (int j = 0; j < want.length; j++) {
        want[j] = at(expected, r).get(j).asInt();
      }
      assertArrayEquals(want, results.get(r).tokens(), what + " prompt " + r);
      stoppedAtEos += results.get(r).reason() == FinishReason.EOS ? 1 : 0;
    }
    assertEquals(prompts.length, stoppedAtEos, "the trained fixtures end their sentences");
  }

  /** transformers' outputs for the fixture (reference.json, written by make_hf_fixtures.py). */
  private static JsonNode reference(String model) throws IOException {
    return new ObjectMapper().readTree(DIR.resolve(model).resolve("reference.json").toFile());
  }

  /** The reference prompts twice over, so that every length group of a batch holds several rows. */
  private static int[][] prompts(JsonNode ref) {
    JsonNode p = ref.get("prompts");
    int[][] out = new int[2 * p.size()][];
    for (int r = 0; r < out.length; r++) {
      JsonNode row = p.get(r % p.size());
      out[r] = new int[row.size()];
      for (int j = 0; j < out[r].length; j++) {
        out[r][j] = row.get(j).asInt();
      }
    }
    return out;
  }

  private static JsonNode at(JsonNode rows, int r) {
    return rows.get(r % rows.size());
  }
}
