package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.discrete.DiffusionSample;
import io.sampleforge.diffusion.discrete.FirstHittingSampler;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.SequenceKey;
import io.sampleforge.jobs.config.TableFormat;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.model.ExportedMaskedDenoiser;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.text.HfTokenizer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masked-diffusion path of generate with an exported masked LM (conf/jobs/generate-mlm.yaml: the
 * toy_mlm TorchScript fixture and conf/data/toy-prompts.csv): the job's rows equal the kernel run
 * directly on the same model with the same keys (an independent path: no Spark, the tokenizer and
 * the sampler called by hand), the toy-grammar metric, batch-size independence, bad config (exit 2)
 * and bad prompts (exit 3).
 */
class MaskedLmJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/generate-mlm.yaml";
  private static final String PROMPTS = "../conf/data/toy-prompts.csv";
  private static final Path MLM = Path.of("../pipeline-core/src/test/resources/model/toy_mlm").toAbsolutePath()
      .normalize();
  private static final String[] FILES = {"--set", "model.path=" + MLM.resolve("model.pt"), "--set",
      "model.tokenizer=" + MLM.resolve("tokenizer.json")};

  @TempDir
  static Path dir;

  private static String[] args(String out, String... extra) {
    return argsFor(CONFIG, PROMPTS, out, extra);
  }

  private static String[] argsFor(String config, String input, String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("generate", "-c", config, "--input", input, "--output", out));
    a.addAll(Arrays.asList(FILES));
    a.addAll(Arrays.asList(extra));
    return a.toArray(String[]::new);
  }

  /**
   * First-hitting sampling: every checked row equals FirstHittingSampler run here on
   * ExportedMaskedDenoiser with key (seed 42, xxhash64(id), sample index) and the prompt's tokenizer
   * ids at the first positions, read up to the first </s>; the job batched 64 sequences per model call
   * and the check runs each alone, so this is also the batch-independence check. One model call per
   * generated position; the toy grammar accepts most samples (86 % unprompted in
   * ExportedMaskedDenoiserTest; a uniform model: 0 %).
   */
  @Test
  void rowsEqualTheKernelOnTheSameModelAndKeys() throws IOException {
    String out = dir.resolve("fhs").toString();
    assertEquals(0, SampleforgeMain.execute(args(out)));
    assertEquals(List.of("id", "sample_index", "completion", "token_count", "nfe", "cache_hits", "sampler", "model",
        "seed", "finish_reason", "commits_per_step"), Arrays.asList(spark.read().parquet(out).columns()));
    List<Row> rows = spark.read().parquet(out).orderBy("id", "sample_index").collectAsList();
    assertEquals(64, rows.size());

    Map<Object, Long> keys = new HashMap<>();
    Map<Object, String> prompts = new HashMap<>();
    for (Row r : TableInput.read(spark, PROMPTS, TableFormat.ofPath(PROMPTS))
        .select(col("id"), col("prompt"), xxhash64(col("id"))).collectAsList()) {
      keys.put(r.get(0), r.getLong(2));
      prompts.put(r.get(0), r.getString(1));
    }
    FirstHittingSampler sampler = new FirstHittingSampler(FirstHittingSettings.defaults(), 42L);
    int eos = 0;
    try (ExportedMaskedDenoiser model = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT, MLM.resolve("model.pt"), 45, 44,
        Device.cpu()); HfTokenizer tokenizer = HfTokenizer.load(MLM.resolve("tokenizer.json"))) {
      for (Row r : rows) {
        if (r.getInt(1) >= 2) {
          // the kernel's model calls are the test's cost: the first two samples of each prompt are checked
          assertEquals(16 - tokenizer.encode(prompts.get(r.get(0))).length, r.getInt(4), "nfe");
          eos += "eos".equals(r.getString(9)) ? 1 : 0;
          continue;
        }
        int[] prompt = tokenizer.encode(prompts.get(r.get(0)));
        int[] x = new int[16];
        Arrays.fill(x, 44);
        System.arraycopy(prompt, 0, x, 0, prompt.length);
        DiffusionSample d = sampler.sample(model, List.of(new SequenceKey(keys.get(r.get(0)), r.getInt(1))),
            new int[][] {x}).get(0);
        int end = prompt.length;
        while (end < 16 && d.tokens()[end] != 2) {
          end++;
        }
        int[] generated = Arrays.copyOfRange(d.tokens(), prompt.length, end);
        assertEquals(tokenizer.decode(generated), r.getString(2), r.toString());
        assertEquals(generated.length, r.getInt(3), "token_count");
        assertEquals(16 - prompt.length, r.getInt(4), "nfe: one call per generated position (EOS included)");
        assertEquals(d.modelCalls(), r.getInt(4));
        assertEquals(end < 16 ? "eos" : "length", r.getString(9));
        eos += end < 16 ? 1 : 0;
      }
    }
    assertTrue(eos > 48, "most samples end at </s>: " + eos);
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    double grammatical = m.at("/stats/grammatical_fraction").asDouble();
    assertTrue(grammatical > 0.6, "grammatical fraction " + grammatical);
    assertTrue(m.at("/stats/distinct_2").asDouble() > 0.2, m.toString());
    assertTrue(m.at("/stats/exact_law_distance").isMissingNode(), "no exact law for a masked LM");
    assertTrue(m.get("model").asText().startsWith("{\"type\":\"torchscript\",\"contract\":\"masked\",\"file\":"
        + "\"torchscript(model.pt, sha256="), m.get("model").asText());
    assertTrue(m.get("model").asText().endsWith("\"mask_id\":44,\"bos_id\":null,\"eos_ids\":[2],\"length\":16}"),
        m.get("model").asText());

    // the ONNX export of the same model (logits within 1e-4 of TorchScript's: ExportedMaskedDenoiserTest)
    // draws the same tokens except where a keyed uniform falls between the two formats' CDFs
    String onnx = dir.resolve("fhs-onnx").toString();
    assertEquals(0, SampleforgeMain.execute(args(onnx, "--set", "model.type=onnx", "--set", "model.path="
        + MLM.resolve("model.onnx"), "--set", "samples_per_prompt=2")));
    List<Row> onnxRows = spark.read().parquet(onnx).orderBy("id", "sample_index").collectAsList();
    List<Row> firstTwo = rows.stream().filter(r -> r.getInt(1) < 2).toList();
    assertEquals(firstTwo.size(), onnxRows.size());
    long same = java.util.stream.IntStream.range(0, onnxRows.size())
        .filter(i -> onnxRows.get(i).getString(2).equals(firstTwo.get(i).getString(2))).count();
    assertTrue(same >= firstTwo.size() - 1, same + " of " + firstTwo.size() + " ONNX completions equal TorchScript's");
    assertTrue(onnxRows.get(0).getString(7).startsWith("{\"type\":\"onnx\",\"contract\":\"masked\""),
        onnxRows.get(0).getString(7));
  }

  /**
   * Fast-dLLM parallel decoding with the dual KV cache through the job (model_cached.pt under the
   * cached masked contract, model.cached with its geometry): every row equals
   * ParallelDecodingSampler with the same cache run here on CachedMaskedLm one sequence at a time, and
   * the sampler and model JSON name the cache.
   */
  @Test
  void cachedParallelDecodingEqualsTheKernel() throws IOException {
    String out = dir.resolve("dual").toString();
    assertEquals(0, SampleforgeMain.execute(args(out, "--set", "model.path=" + MLM.resolve("model_cached.pt"),
        "--set", "model.cached=true", "--set", "model.layers=2", "--set", "model.heads=4", "--set", "model.head_dim=16",
        "--set", "diffusion.sampler=parallel", "--set", "diffusion.kv_cache=dual", "--set", "diffusion.threshold=0.7",
        "--set", "samples_per_prompt=1")));
    List<Row> rows = spark.read().parquet(out).orderBy("id", "sample_index").collectAsList();
    Map<Object, Long> keys = new HashMap<>();
    Map<Object, String> prompts = new HashMap<>();
    for (Row r : TableInput.read(spark, PROMPTS, TableFormat.ofPath(PROMPTS))
        .select(col("id"), col("prompt"), xxhash64(col("id"))).collectAsList()) {
      keys.put(r.get(0), r.getLong(2));
      prompts.put(r.get(0), r.getString(1));
    }
    int parallel = 0;
    try (io.sampleforge.model.CachedMaskedLm model = io.sampleforge.model.CachedMaskedLm.load(
        MLM.resolve("model_cached.pt"), 45, 44, new io.sampleforge.model.KvGeometry(2, 4, 16), Device.cpu());
        HfTokenizer tokenizer = HfTokenizer.load(MLM.resolve("tokenizer.json"))) {
      for (Row r : rows) {
        int[] prompt = tokenizer.encode(prompts.get(r.get(0)));
        int[] x = new int[16];
        Arrays.fill(x, 44);
        System.arraycopy(prompt, 0, x, 0, prompt.length);
        int gen = 16 - prompt.length;
        DiffusionSample d = new io.sampleforge.diffusion.discrete.ParallelDecodingSampler(
            new io.sampleforge.diffusion.discrete.ParallelDecodingSettings(gen, gen, 0.0,
                io.sampleforge.diffusion.discrete.ConfidenceKind.DRAWN,
                new io.sampleforge.diffusion.discrete.CommitRule.Threshold(0.7),
                io.sampleforge.diffusion.discrete.CacheMode.DUAL), 42L)
            .sample(model, List.of(new SequenceKey(keys.get(r.get(0)), r.getInt(1))), new int[][] {x}).get(0);
        int end = prompt.length;
        while (end < 16 && d.tokens()[end] != 2) {
          end++;
        }
        assertEquals(tokenizer.decode(Arrays.copyOfRange(d.tokens(), prompt.length, end)), r.getString(2),
            r.toString());
        assertEquals(d.modelCalls(), r.getInt(4), "nfe");
        parallel += d.modelCalls() < gen ? 1 : 0;
      }
    }
    assertTrue(parallel > 0, "some rows commit several tokens per call");
    assertTrue(rows.get(0).getString(6).endsWith("\"threshold\":0.7,\"kv_cache\":\"dual\"}"), rows.get(0).getString(6));
    assertTrue(rows.get(0).getString(7).contains("\"cached\":{\"layers\":2,\"heads\":4,\"head_dim\":16}"),
        rows.get(0).getString(7));
  }

  /**
   * SVDD guided by the toy_scorer reward model through the job (its gain over M = 1 is measured in
   * TorchScriptScorerTest): the sampler JSON names the model, every row has a completion, and a
   * missing scorer file or two rewards at once exit 2 naming the key.
   */
  @Test
  void svddWithARewardModel() {
    String scorer = MLM.resolveSibling("toy_scorer").resolve("model.pt").toString();
    String out = dir.resolve("svdd").toString();
    assertEquals(0, SampleforgeMain.execute(args(out, "--set", "diffusion.sampler=svdd", "--set", "diffusion.steps=8",
        "--set", "diffusion.svdd_candidates=2", "--set", "diffusion.reward_model=" + scorer, "--set",
        "samples_per_prompt=2")));
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(16, rows.size());
    for (Row r : rows) {
      assertTrue(r.getString(6).contains("\"svdd_candidates\":2") && r.getString(6).contains("\"reward_model\":\""
          + scorer.replace("\\", "\\\\") + "\""), r.getString(6));
      assertTrue(r.getInt(4) >= 1 && r.getInt(4) <= 2 * 8 + 1, "at most one call per candidate and step, and noise removal " + r);
    }
    String never = dir.resolve("svdd-never").toString();
    Cli missing = Cli.run(args(never, "--set", "diffusion.sampler=svdd", "--set", "diffusion.reward_model="
        + dir.resolve("nothing.pt")));
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("parameter 'diffusion.reward_model'"), missing.err());
    Cli both = Cli.run(args(never, "--set", "diffusion.sampler=svdd", "--set", "diffusion.reward_model=" + scorer,
        "--set", "diffusion.reward_regex=dog"));
    assertEquals(2, both.code(), both.err());
    assertTrue(both.err().contains("parameter 'diffusion.reward_regex/reward_model' the svdd sampler needs exactly one "
        + "reward"), both.err());
    assertFalse(Files.exists(Path.of(never)));
  }

  @Test
  void badConfigExitsTwoNamingTheKey() throws IOException {
    String out = dir.resolve("never").toString();
    Path withoutMask = dir.resolve("no-mask.yaml");
    Files.writeString(withoutMask, Files.readString(Path.of(CONFIG)).replaceAll("(?m)^  mask_id:.*$", ""));
    Cli noMask = Cli.run(argsFor(withoutMask.toString(), PROMPTS, out));
    assertEquals(2, noMask.code(), noMask.err());
    assertTrue(noMask.err().contains("parameter 'model.mask_id/model.length' are required"), noMask.err());
    Cli range = Cli.run(args(out, "--set", "model.mask_id=45"));
    assertEquals(2, range.code(), range.err());
    assertTrue(range.err().contains("parameter 'model.mask_id' must be a token id in [0, model.vocab_size = 45)"),
        range.err());
    Cli ngram = Cli.run("generate", "--input", PROMPTS, "--output", out, "--set", "diffusion.sampler=llada");
    assertEquals(2, ngram.code(), ngram.err());
    assertTrue(ngram.err().contains("parameter 'diffusion/model.type' applies to masked-diffusion models only"),
        ngram.err());
    Cli cached = Cli.run(args(out, "--set", "model.cached=true", "--set", "model.layers=2", "--set", "model.heads=4",
        "--set", "model.head_dim=16"));
    assertEquals(2, cached.code(), cached.err());
    assertTrue(cached.err().contains("parameter 'model.path' must follow the cached masked contract"), cached.err());
    Cli geometry = Cli.run(args(out, "--set", "model.layers=2"));
    assertEquals(2, geometry.code(), geometry.err());
    assertTrue(geometry.err().contains("parameter 'model.layers' applies to a cached masked model only"),
        geometry.err());
    Cli kvCache = Cli.run(args(out, "--set", "diffusion.sampler=parallel", "--set", "diffusion.kv_cache=dual"));
    assertEquals(2, kvCache.code(), kvCache.err());
    assertTrue(kvCache.err().contains("parameter 'diffusion.kv_cache' needs a model exported under the cached masked "
        + "contract"), kvCache.err());
    Cli shiftAlone = Cli.run("generate", "--input", PROMPTS, "--output", out, "--set", "model.logits_shift=true");
    assertEquals(2, shiftAlone.code(), shiftAlone.err());
    assertTrue(shiftAlone.err().contains("parameter 'diffusion/model.mask_id/model.length/model.logits_shift' apply to "
        + "masked-diffusion sampling"), shiftAlone.err());
    Cli topP = Cli.run(args(out, "--set", "top_p=0.9"));
    assertEquals(2, topP.code(), topP.err());
    assertTrue(topP.err().contains("parameter 'model.type/top_p' applies to autoregressive models only"), topP.err());
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void promptWithTheMaskTokenOrTooLongExitsThree() throws IOException {
    Path prompts = dir.resolve("bad.csv");
    Files.writeString(prompts, "id,prompt\n1,the dog\n2,the <mask> sees\n3,"
        + "the dog sees the cat near the bird with the dog near the cat with a bird\n");
    String out = dir.resolve("bad-out").toString();
    Cli bad = Cli.run(argsFor(CONFIG, prompts.toString(), out));
    assertEquals(3, bad.code(), bad.err());
    assertTrue(bad.err().contains("column 'prompt' must encode to at most model.length = 16 tokens without the mask "
        + "token") && bad.err().contains("2 prompts, e.g. id 2: the mask token (model.mask_id 44) at token 1"),
        bad.err());
    assertFalse(Files.exists(Path.of(out)));
  }
}
