package io.sampleforge.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden vectors from Hugging Face transformers 5.17 itself: its logits processors and warpers
 * applied to random float32 scores by src/test/resources/decode/make_transformers_golden.py (run
 * where transformers is installed; the JSON is committed). Our processors + warpers must remove
 * exactly the same tokens and leave the same scores on the others.
 */
class TransformersGoldenTest extends io.sampleforge.testing.PyTorchFixture {
  private static final Path GOLDEN = Path.of("src/test/resources/decode/transformers_golden.json");

  static Stream<JsonNode> cases() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    new ObjectMapper().readTree(GOLDEN.toFile()).get("cases").forEach(out::add);
    return out.stream();
  }

  @Test
  void theVectorsComeFromTransformersInItsOwnOrder() throws IOException {
    JsonNode doc = new ObjectMapper().readTree(GOLDEN.toFile());
    assertEquals("5.17.0", doc.get("transformers").asText());
    assertEquals(21, doc.get("cases").size());
    int checkedOrder = 0;
    for (JsonNode c : doc.get("cases")) {
      JsonNode agrees = c.get("library_chain_agrees");
      if (!agrees.isNull()) {
        assertTrue(agrees.asBoolean(), c.get("name") + ": generate()'s own chain differs from the documented order");
        checkedOrder++;
      }
    }
    assertEquals(18, checkedOrder, "cases whose order was checked against GenerationMixin._get_logits_processor");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTransformers(JsonNode c) {
    SamplerSettings s = settings(c.get("params"));
    int prompt = c.get("prompt_length").asInt();
    JsonNode ids = c.get("input_ids");
    List<SequenceState> rows = new ArrayList<>();
    for (int r = 0; r < ids.size(); r++) {
      int[] p = new int[prompt];
      for (int j = 0; j < prompt; j++) {
        p[j] = ids.get(r).get(j).asInt();
      }
      SequenceState row = new SequenceState(r, 0, p);
      for (int j = prompt; j < ids.get(r).size(); j++) {
        row.append(ids.get(r).get(j).asInt());
      }
      rows.add(row);
    }
    float[][] scores = matrix(c.get("scores"));
    int batch = scores.length;
    int vocab = scores[0].length;
    float[] flat = new float[batch * vocab];
    for (int r = 0; r < batch; r++) {
      System.arraycopy(scores[r], 0, flat, r * vocab, vocab);
    }
    NDArray in = manager.create(flat, new Shape(batch, vocab));
    float[] got = LogitsWarpers.apply(s, LogitsProcessors.apply(s, in, rows)).toFloatArray();
    float[][] expected = matrix(c.get("expected"));
    int kept = 0;
    for (int r = 0; r < batch; r++) {
      for (int v = 0; v < vocab; v++) {
        float e = expected[r][v];
        float g = got[r * vocab + v];
        String where = c.get("name").asText() + " row " + r + " token " + v;
        if (e == Float.NEGATIVE_INFINITY) {
          assertEquals(Float.NEGATIVE_INFINITY, g, where + " must be removed");
        } else {
          assertEquals(e, g, 1e-5 * Math.max(1, Math.abs(e)), where);
          kept++;
        }
      }
    }
    assertTrue(kept >= batch, "every row keeps a token");
  }

  private static SamplerSettings settings(JsonNode p) {
    SamplerSettings.Builder b = SamplerSettings.builder();
    p.fields().forEachRemaining(f -> {
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "temperature" -> b.temperature(v.asDouble());
        case "top_k" -> b.topK(v.asInt());
        case "top_p" -> b.topP(v.asDouble());
        case "min_p" -> b.minP(v.asDouble());
        case "typical_p" -> b.typicalP(v.asDouble());
        case "epsilon" -> b.epsilon(v.asDouble());
        case "eta" -> b.eta(v.asDouble());
        case "min_tokens_to_keep" -> b.minTokensToKeep(v.asInt());
        case "repetition_penalty" -> b.repetitionPenalty(v.asDouble());
        case "no_repeat_ngram_size" -> b.noRepeatNgramSize(v.asInt());
        case "bad_words_ids" -> {
          List<Integer> bad = new ArrayList<>();
          v.forEach(x -> bad.add(x.asInt()));
          b.badTokenIds(bad);
        }
        case "min_new_tokens" -> b.minNewTokens(v.asInt());
        case "eos_token_id" -> b.eosTokenIds(List.of(v.asInt()));
        default -> throw new IllegalArgumentException("unmapped transformers parameter " + f.getKey());
      }
    });
    return b.build();
  }

  private static float[][] matrix(JsonNode rows) {
    float[][] m = new float[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      m[r] = new float[row.size()];
      for (int v = 0; v < row.size(); v++) {
        m[r][v] = row.get(v).isNull() ? Float.NEGATIVE_INFINITY : (float) row.get(v).asDouble();
      }
    }
    return m;
  }
}
