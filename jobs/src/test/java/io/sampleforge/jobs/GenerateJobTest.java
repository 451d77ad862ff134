package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate job end to end: n-gram model trained on the toy grammar, prompts CSV in, Parquet out, manifest, errors. */
class GenerateJobTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;

  private static String prompts() throws IOException {
    Path p = dir.resolve("prompts.csv");
    if (!Files.exists(p)) {
      StringBuilder b = new StringBuilder("id,prompt\n");
      String[] starts = {"the", "some dogs", "a big cat", "every teacher", "many children", "the small bird"};
      for (int i = 0; i < 60; i++) {
        b.append(i).append(',').append(starts[i % starts.length]).append('\n');
      }
      Files.writeString(p, b.toString());
    }
    return p.toString();
  }

  private List<String> rows(String path) {
    return spark.read().parquet(path).orderBy("id", "sample_index").collectAsList().stream().map(Row::toString).toList();
  }

  /** The same corpus for any batch size and partitioning; the manifest carries the statistics. */
  @Test
  void outputIsIndependentOfBatchSizeAndPartitioning() throws IOException {
    String a = dir.resolve("a").toString();
    String b = dir.resolve("b").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "-c", "../conf/jobs/generate.yaml", "--input", prompts(),
        "--output", a, "--set", "samples_per_prompt=3", "--set", "top_p=0.9", "--set", "batch_size=64",
        "--set", "model.toy_sentences=3000"));
    spark.read().option("header", "true").option("inferSchema", "true").csv(prompts()).repartition(4).write().parquet(dir.resolve("prompts4").toString());
    assertEquals(0, SampleforgeMain.execute("generate", "-c", "../conf/jobs/generate.yaml", "--input",
        dir.resolve("prompts4").toString(), "--output", b, "--set", "samples_per_prompt=3", "--set", "top_p=0.9",
        "--set", "batch_size=5", "--set", "model.toy_sentences=3000"));
    List<String> first = spark.read().parquet(a).orderBy("id", "sample_index").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(4)).toList();
    List<String> second = spark.read().parquet(b).orderBy("id", "sample_index").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(4)).toList();
    assertEquals(180, first.size());
    assertTrue(first.equals(second), "batch size 64 / 1 partition vs batch size 5 / 4 partitions");
    JsonNode m = new ObjectMapper().readTree(new File(a, "_manifest.json"));
    assertEquals(180, m.get("stats").get("samples").asLong());
    assertTrue(m.get("stats").get("grammatical_fraction").asDouble() > 0.3, m.get("stats").toString());
    assertTrue(m.get("model").asText().startsWith("ngram-kn(order=4"));
    assertTrue(m.get("sampler").asText().contains("\"top_p\":0.9"));
    // the manifest describes the sampler the rows ran, model tokens included (EOS </s> = 2, <unk> and <s> banned)
    assertTrue(m.get("sampler").asText().contains("\"eos_token_ids\":[2]"), m.get("sampler").asText());
    assertEquals(List.of(m.get("sampler").asText()),
        spark.read().parquet(a).select("sampler").distinct().collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  private static String[] torchscript(String prompts, String out, boolean cached, int batch) {
    String dirModel = "../pipeline-core/src/test/resources/model/toy_gpt/";
    return new String[] {"generate", "--input", prompts, "--output", out, "--set", "samples_per_prompt=4",
        "--set", "model.type=torchscript", "--set", "model.path=" + dirModel + (cached ? "model_cached.pt" : "model.pt"),
        "--set", "model.tokenizer=" + dirModel + "tokenizer.json", "--set", "model.vocab_size=44", "--set", "model.bos_id=1",
        "--set", "model.eos_ids=[2]", "--set", "model.cached=" + cached, "--set", "model.layers=2", "--set", "model.heads=4",
        "--set", "model.head_dim=16", "--set", "toy_grammar_metric=true", "--set", "batch_size=" + batch};
  }

  /**
   * The tiny GPT trained on the toy grammar (make_toy_gpt.py) through TorchScript and a Hugging
   * Face tokenizer.json: incremental decoding with the cache writes exactly the corpus of full
   * recomputation (another batch size too), and the trained model is mostly grammatical.
   */
  @Test
  void torchScriptModelWithAndWithoutCache() throws IOException {
    String a = dir.resolve("ts-cached").toString();
    String b = dir.resolve("ts-full").toString();
    assertEquals(0, SampleforgeMain.execute(torchscript(prompts(), a, true, 64)));
    assertEquals(0, SampleforgeMain.execute(torchscript(prompts(), b, false, 7)));
    List<String> first = spark.read().parquet(a).orderBy("id", "sample_index").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(4)).toList();
    List<String> second = spark.read().parquet(b).orderBy("id", "sample_index").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(4)).toList();
    assertEquals(240, first.size());
    assertTrue(first.equals(second), "cached (batch 64) vs recomputed (batch 7)");
    JsonNode m = new ObjectMapper().readTree(new File(a, "_manifest.json"));
    assertTrue(m.get("stats").get("grammatical_fraction").asDouble() > 0.8, m.get("stats").toString());
    assertTrue(m.get("model").asText().contains("cached"));
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("y").toString(),
        "--set", "model.type=torchscript", "--set", "model.path=nope.pt", "--set", "model.tokenizer=nope.json",
        "--set", "model.vocab_size=44"), "a missing model file fails before any task runs");
  }

  /**
   * A Hugging Face GPT-2 exported by export_hf_causal_lm.py, used through its export folder
   * ({@code model.dir}, once as a file:// URI read through Hadoop's file system): greedy decoding through the job writes exactly the sentences of
   * transformers' generate(do_sample=False) (reference.json, made by transformers 5.17); sampling
   * writes the same corpus from the cached ONNX file as from the uncached TorchScript file.
   */
  @Test
  void huggingFaceExportFolderThroughTheJob() throws IOException {
    Path hf = Path.of("../pipeline-core/src/test/resources/model/hf_gpt2");
    Path table = dir.resolve("hf.csv");
    String[] texts = {"the", "some big", "many quiet dogs chase", "every teacher with the child", "dogs dogs dogs"};
    StringBuilder b = new StringBuilder("id,prompt\n");
    for (int i = 0; i < texts.length; i++) {
      b.append(i + 1).append(',').append(texts[i]).append('\n');
    }
    Files.writeString(table, b.toString());
    String greedy = dir.resolve("hf-greedy").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "--input", table.toString(), "--output", greedy,
        // as a Hadoop file system URI: fetched into the executor-local model cache
        "--set", "model.type=onnx", "--set", "model.dir=" + hf.toAbsolutePath().toUri(), "--set", "model.cached=true",
        "--set", "decoding=greedy",
        "--set", "max_new_tokens=20"));
    JsonNode ref = new ObjectMapper().readTree(hf.resolve("reference.json").toFile());
    try (io.sampleforge.text.HfTokenizer tok = io.sampleforge.text.HfTokenizer.load(hf.resolve("tokenizer.json"))) {
      List<Row> out = spark.read().parquet(greedy).orderBy("id").collectAsList();
      assertEquals(texts.length, out.size());
      for (int i = 0; i < texts.length; i++) {
        JsonNode want = ref.get("greedy").get(i + 1); // reference prompt 0 is the bare <s>
        int[] ids = new int[want.size() - 1];
        for (int j = 0; j < ids.length; j++) {
          ids[j] = want.get(j).asInt();
        }
        assertEquals(2, want.get(want.size() - 1).asInt(), "transformers ended with </s>");
        Row r = out.get(i);
        assertEquals(tok.decode(ids), r.getAs("completion"), "prompt '" + texts[i] + "'");
        assertEquals("eos", r.getAs("finish_reason"));
      }
    }
    String[] sampling = {"--set", "samples_per_prompt=3", "--set", "top_p=0.9", "--set", "model.dir=" + hf};
    String onnx = dir.resolve("hf-onnx").toString();
    String ts = dir.resolve("hf-ts").toString();
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "--input", table.toString(), "--output", onnx,
        "--set", "model.type=onnx", "--set", "model.cached=true"}, sampling)));
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "--input", table.toString(), "--output", ts,
        "--set", "model.type=torchscript", "--set", "batch_size=2"}, sampling)));
    assertEquals(completions(ts, "true"), completions(onnx, "true"));
    assertEquals(15, completions(ts, "true").size());
    JsonNode m = new ObjectMapper().readTree(new File(onnx, "_manifest.json"));
    assertTrue(m.get("model").asText().startsWith("onnx(model_cached.onnx, sha256="), m.get("model").asText());
  }

  /** Prompts that fill the model context: refused (exit 3) unless truncated from the left; generation stops at the context. */
  @Test
  void contextOverflow() throws IOException {
    Path longPrompts = dir.resolve("long.csv");
    Files.writeString(longPrompts, "id,prompt\n1,the cat\n2,the big red cat near the small dogs with the old farmer\n");
    String[] base = torchscript(longPrompts.toString(), dir.resolve("ctx-error").toString(), true, 8);
    String[] withContext = java.util.Arrays.copyOf(base, base.length + 2);
    withContext[base.length] = "--set";
    withContext[base.length + 1] = "model.context=10";
    assertEquals(3, SampleforgeMain.execute(withContext));
    assertFalse(Files.exists(dir.resolve("ctx-error")));
    String truncated = dir.resolve("ctx-truncated").toString();
    String[] cut = java.util.Arrays.copyOf(withContext, withContext.length + 2);
    cut[4] = truncated;
    cut[withContext.length] = "--set";
    cut[withContext.length + 1] = "context_overflow=truncate-left";
    assertEquals(0, SampleforgeMain.execute(cut));
    // the long prompt keeps <s> + its last 8 tokens (9 of 10 positions): exactly one new token fits
    List<Row> longRows = spark.read().parquet(truncated).filter("id = 2").collectAsList();
    assertEquals(4, longRows.size());
    longRows.forEach(r -> assertEquals(1, r.getInt(3)));
    assertTrue(spark.read().parquet(truncated).filter("id = 1 and token_count <= 7").count() == 4,
        "the short prompt (3 tokens with <s>) generates at most 7 tokens");
  }

  /**
   * Per-row overrides: a row with temperature 0.5 in its column gets exactly what a job-wide
   * temperature of 0.5 gives it, a row with a null cell what the job's own value gives it (keyed
   * draws make each row independent of how rows are grouped); a bad cell fails before generation.
   */
  @Test
  void perRowSamplerOverrides() throws IOException {
    Path table = dir.resolve("overrides.csv");
    StringBuilder b = new StringBuilder("id,prompt,temperature\n");
    for (int i = 0; i < 40; i++) {
      b.append(i).append(",the,").append(i % 2 == 0 ? "0.5" : "").append('\n');
    }
    Files.writeString(table, b.toString());
    String mixed = dir.resolve("ov-mixed").toString();
    String cold = dir.resolve("ov-cold").toString();
    String hot = dir.resolve("ov-hot").toString();
    String[] common = {"--set", "model.toy_sentences=2000", "--set", "samples_per_prompt=3", "--set", "top_p=0.95"};
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "--input", table.toString(), "--output", mixed,
        "--set", "row_overrides=[temperature]"}, common)));
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "--input", table.toString(), "--output", cold,
        "--set", "temperature=0.5"}, common)));
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "--input", table.toString(), "--output", hot},
        common)));
    List<String> even = completions(mixed, "id % 2 = 0");
    List<String> odd = completions(mixed, "id % 2 = 1");
    assertTrue(even.equals(completions(cold, "id % 2 = 0")), "overridden rows = job-wide temperature 0.5");
    assertTrue(odd.equals(completions(hot, "id % 2 = 1")), "null cells = the job's temperature");
    assertFalse(even.equals(completions(hot, "id % 2 = 0")), "the override changes the output");
    assertTrue(spark.read().parquet(mixed).filter("id = 0").first().getString(6).contains("\"temperature\":0.5"));
    Path bad = dir.resolve("bad-overrides.csv");
    Files.writeString(bad, "id,prompt,temperature\n1,the,0\n");
    assertEquals(3, SampleforgeMain.execute("generate", "--input", bad.toString(), "--output", dir.resolve("ov-bad").toString(),
        "--set", "row_overrides=[temperature]", "--set", "model.toy_sentences=500"));
    assertEquals(2, SampleforgeMain.execute("generate", "--input", table.toString(), "--output", dir.resolve("ov-bad2").toString(),
        "--set", "row_overrides=[seed]"));
  }

  private List<String> completions(String path, String filter) {
    return spark.read().parquet(path).filter(filter).orderBy("id", "sample_index").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).toList();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void finishReasonsAndStopStrings() throws IOException {
    String out = dir.resolve("short").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "--input", prompts(), "--output", out, "--set", "max_new_tokens=2",
        "--set", "model.toy_sentences=2000"));
    assertEquals(60, spark.read().parquet(out).filter("token_count <= 2").count());
    assertEquals(0, spark.read().parquet(out).filter("finish_reason = 'length' and token_count != 2").count());
    assertTrue(spark.read().parquet(out).filter("finish_reason = 'length'").count() > 30);
    String stopped = dir.resolve("stopped").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "--input", prompts(), "--output", stopped, "--set", "stop=[' with']",
        "--set", "model.toy_sentences=2000", "--set", "samples_per_prompt=5"));
    List<Row> stops = spark.read().parquet(stopped).filter("finish_reason = 'stop'").collectAsList();
    assertFalse(stops.isEmpty(), "some completions reach 'with'");
    stops.forEach(r -> assertFalse(r.getString(2).contains(" with"), r.getString(2)));
  }

  @Test
  void badInputAndParametersHaveDistinctExitCodes() throws IOException {
    Path withEmpty = dir.resolve("empty.csv");
    Files.writeString(withEmpty, "id,prompt\n1,the\n2,\n3,a cat\n");
    String out = dir.resolve("bad").toString();
    assertEquals(3, SampleforgeMain.execute("generate", "--input", withEmpty.toString(), "--output", out,
        "--set", "model.toy_sentences=500"));
    assertFalse(Files.exists(Path.of(out)));
    assertEquals(0, SampleforgeMain.execute("generate", "--input", withEmpty.toString(), "--output", out,
        "--set", "model.toy_sentences=500", "--set", "on_empty_prompt=skip"));
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    assertEquals(1, m.get("stats").get("skipped_empty_prompts").asLong());
    assertEquals(2, spark.read().parquet(out).count());
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "top_p=1.5"));
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "typical_p=0"));
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "model.type=onnx"), "onnx needs dir, or path + tokenizer + vocab_size");
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "model.type=tflite"));
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "model.dir=" + dir), "an export folder with the default ngram type is a config error");
    Path partial = Files.createDirectories(dir.resolve("export-without-onnx"));
    Path hf = Path.of("../pipeline-core/src/test/resources/model/hf_gpt2");
    Files.copy(hf.resolve("sampleforge.json"), partial.resolve("sampleforge.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(hf.resolve("tokenizer.json"), partial.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream previous = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
          "--set", "model.type=onnx", "--set", "model.dir=" + partial), "the export folder lacks model.onnx");
    } finally {
      System.setErr(previous);
    }
    assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("'model.dir'"), err.toString());
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "model.type=onnx", "--set", "model.dir=" + dir.resolve("no-such-export")), "no sampleforge.json there");
    assertEquals(2, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "model.type=torchscript", "--set", "model.dir=" + dir.resolve("no-such-export").toUri()),
        "a Hadoop URI that does not exist");
    assertEquals(3, SampleforgeMain.execute("generate", "--input", prompts(), "--output", dir.resolve("x").toString(),
        "--set", "prompt_column=text"));
  }
}
