package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The masked export contract on the toy masked LM made by
 * src/test/resources/model/make_toy_mlm.py (python3-torch, trained on the toy grammar with the
 * absorbing-state objective): DJL's logits equal the ones PyTorch wrote, first-hitting samples from
 * the model are mostly sentences of the grammar (against a uniform denoiser that almost never
 * makes one), and a sequence gets the same tokens alone or in a batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TorchScriptMaskedDenoiserTest {
  private static final Path DIR = Path.of("src/test/resources/model/toy_mlm");
  private static final int V = 45;
  private static final int MASK = 44;
  private static final int EOS = 2;
  private static final int LENGTH = 16;
  private TorchScriptMaskedDenoiser model;
  private String[] words;

  @BeforeAll
  void start() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    model = TorchScriptMaskedDenoiser.load(DIR.resolve("model.pt"), V, MASK, Device.cpu());
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
  }

  @Test
  void logitsMatchPyTorch() throws IOException {
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
    float[] got = rawLogits(tokens);
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
    assertFalse(model.timeConditioned());
    assertTrue(model.identity().startsWith("torchscript(model.pt, sha256="), model.identity());
  }

  private float[] rawLogits(int[][] tokens) {
    return model.logits(tokens);
  }

  /**
   * Exact first-hitting sampling from fully masked rows of 16: most samples read, up to their first
   * {@code </s>}, as a sentence of the toy grammar followed only by {@code </s>}; the same sampler over
   * a uniform denoiser (an untrained model's best guess) almost never does.
   */
  @Test
  void firstHittingSamplesAreMostlyGrammatical() {
    int n = 300;
    double trained = grammaticalShare(model, n);
    double uniform = grammaticalShare(new UniformDenoiser(), n);
    assertTrue(trained >= 0.75, "trained model: grammatical share " + trained);
    assertTrue(uniform <= 0.02, "uniform denoiser: grammatical share " + uniform);
    assertTrue(trained - uniform >= 0.7, trained + " vs " + uniform);
  }

  private double grammaticalShare(MaskedDenoiser denoiser, int n) {
    FirstHittingSampler sampler = new FirstHittingSampler(FirstHittingSettings.defaults(), 2026);
    List<SequenceKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new SequenceKey(i, 0));
    }
    ToyGrammar grammar = new ToyGrammar();
    int good = 0;
    for (DiffusionSample s : sampler.sample(denoiser, keys, MaskedDenoiser.allMasked(denoiser, n, LENGTH))) {
      assertEquals(LENGTH, s.modelCalls(), "one token per call");
      assertEquals(0, s.masked(MASK));
      good += grammatical(grammar, s.tokens()) ? 1 : 0;
    }
    return good / (double) n;
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
    ConfigException vocab = assertThrows(ConfigException.class,
        () -> TorchScriptMaskedDenoiser.load(DIR.resolve("model.pt"), 44, 43, Device.cpu()));
    assertTrue(vocab.getMessage().contains("'model.vocab_size'") && vocab.getMessage().contains("45"),
        vocab.getMessage());
    ConfigException mask = assertThrows(ConfigException.class,
        () -> TorchScriptMaskedDenoiser.load(DIR.resolve("model.pt"), V, V, Device.cpu()));
    assertTrue(mask.getMessage().contains("'model.mask_id'"), mask.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> TorchScriptMaskedDenoiser.load(DIR.resolve("nope.pt"), V, MASK, Device.cpu()));
    assertTrue(missing.getMessage().contains("'model.path'"), missing.getMessage());
    ConfigException pickle = assertThrows(ConfigException.class, () -> TorchScriptMaskedDenoiser.load(
        Path.of("src/test/resources/model/unsafe/state_dict.pt"), V, MASK, Device.cpu()));
    assertTrue(pickle.getMessage().contains(ModelFileCheck.RULE), pickle.getMessage());
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
