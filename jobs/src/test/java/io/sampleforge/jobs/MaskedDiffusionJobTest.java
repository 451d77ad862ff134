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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masked-diffusion path of generate with the built-in Markov chain (conf/jobs/generate-mdm.yaml
 * and its prompt table conf/data/markov-prompts.csv): columns, NFE, the exact-law distance (and that
 * it detects an approximate sampler), independence of partitioning and batch size, bad config and
 * bad prompts.
 */
class MaskedDiffusionJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/generate-mdm.yaml";
  private static final String PROMPTS = "../conf/data/markov-prompts.csv";

  @TempDir
  static Path dir;

  private static JsonNode manifest(String out) throws IOException {
    return new ObjectMapper().readTree(new File(out, "_manifest.json"));
  }

  /** First-hitting, one token per call: one model call per generated position, and the exact law (N = 800). */
  @Test
  void firstHittingWritesTheColumnsAndOneCallPerGeneratedToken() throws IOException {
    String out = dir.resolve("fhs").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "-c", CONFIG, "--input", PROMPTS, "--output", out,
        "--set", "samples_per_prompt=100"));
    assertEquals(List.of("id", "sample_index", "completion", "token_count", "nfe", "cache_hits", "sampler", "model",
        "seed", "finish_reason", "commits_per_step"), Arrays.asList(spark.read().parquet(out).columns()));
    java.util.Map<Integer, Integer> promptLength = java.util.Map.of(1, 1, 2, 1, 3, 1, 4, 2, 5, 2, 6, 3, 7, 2, 8, 2);
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(800, rows.size());
    long nfe = 0;
    for (Row r : rows) {
      int generated = 12 - promptLength.get(r.getInt(0));
      String[] words = r.getString(2).split(" ");
      assertEquals(generated, words.length, r.toString());
      assertTrue(Set.of("a", "b", "c").containsAll(Arrays.asList(words)), r.toString());
      assertEquals(generated, r.getInt(3), "token_count");
      assertEquals(generated, r.getInt(4), "nfe: one model call per generated token");
      assertEquals(0, r.getInt(5), "first-hitting has no cache");
      assertEquals(42L, r.getLong(8));
      assertEquals("length", r.getString(9), "the chain has no end-of-sequence state");
      nfe += r.getInt(4);
    }
    JsonNode m = manifest(out);
    assertEquals(nfe, m.at("/stats/nfe_total").asLong());
    assertEquals(nfe, m.at("/stats/tokens").asLong());
    assertEquals(0, m.at("/stats/cache_hits_total").asLong());
    assertTrue(m.at("/stats/tokens_per_second").asDouble() > 0);
    assertTrue(m.get("sampler").asText().contains("\"tokens_per_step\":1,\"exact\":true"), m.get("sampler").asText());
    assertTrue(m.get("model").asText().startsWith("{\"type\":\"markov-chain\",\"states\":[\"a\",\"b\",\"c\"],\"length\":12"),
        m.get("model").asText());
    double exact = m.at("/stats/exact_law_distance").asDouble();
    // sampling noise only: 9 cells per pair, N = 800 -> E|TV| about 0.04 for an unprompted position, less given prompts
    assertTrue(exact < 0.06, "exact sampler's distance " + exact);

    // the approximate variant committing all 11 masked positions in one call ignores their dependence
    String all = dir.resolve("fhs-k11").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "-c", CONFIG, "--input", PROMPTS, "--output", all,
        "--set", "samples_per_prompt=100", "--set", "diffusion.tokens_per_step=11"));
    JsonNode k = manifest(all);
    assertEquals(800, k.at("/stats/nfe_total").asLong(), "one call per sequence");
    double approximate = k.at("/stats/exact_law_distance").asDouble();
    assertTrue(approximate > 0.1 && approximate > 3 * exact, "k = 11: " + approximate + " vs exact " + exact);
  }

  /**
   * The parallel-decoding sampler (Fast-dLLM): with threshold 1 and the drawn-token confidence it is
   * LLaDA's low-confidence remasking at one token per call, row for row (same keyed draws); at
   * threshold 0.5 (the example chain's conditionals rarely reach the default 0.9) it commits several positions per call, and the rows' commits_per_step, their
   * NFE and the manifest's histogram agree.
   */
  @Test
  void parallelDecodingAgreesWithLladaAtThresholdOneAndCommitsSeveralBelow() throws IOException {
    String one = dir.resolve("parallel-1").toString();
    String llada = dir.resolve("llada-1").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "-c", CONFIG, "--input", PROMPTS, "--output", one,
        "--set", "samples_per_prompt=6", "--set", "diffusion.sampler=parallel", "--set", "diffusion.threshold=1.0",
        "--set", "diffusion.temperature=1.0"));
    assertEquals(0, SampleforgeMain.execute("generate", "-c", CONFIG, "--input", PROMPTS, "--output", llada,
        "--set", "samples_per_prompt=6", "--set", "diffusion.sampler=llada", "--set", "diffusion.temperature=1.0"));
    List<Row> a = spark.read().parquet(one).orderBy("id", "sample_index").collectAsList();
    List<Row> b = spark.read().parquet(llada).orderBy("id", "sample_index").collectAsList();
    assertEquals(48, a.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(b.get(i).getString(2), a.get(i).getString(2), "completion " + a.get(i));
      assertEquals(b.get(i).getInt(4), a.get(i).getInt(4), "nfe " + a.get(i));
      assertEquals(java.util.Collections.nCopies(a.get(i).getInt(4), 1), a.get(i).getList(10), "one per call");
    }
    String fast = dir.resolve("parallel-05").toString();
    assertEquals(0, SampleforgeMain.execute("generate", "-c", CONFIG, "--input", PROMPTS, "--output", fast,
        "--set", "samples_per_prompt=6", "--set", "diffusion.sampler=parallel", "--set", "diffusion.temperature=1.0",
        "--set", "diffusion.threshold=0.5"));
    long nfe = 0;
    long generated = 0;
    for (Row r : spark.read().parquet(fast).collectAsList()) {
      List<Integer> commits = r.getList(10);
      assertEquals(r.getInt(4), commits.size(), "one entry per model call " + r);
      assertEquals(r.getInt(3), commits.stream().mapToInt(Integer::intValue).sum(), "commits fill the span " + r);
      assertTrue(r.getString(6).contains("\"commit_rule\":\"threshold\",\"threshold\":0.5"), r.getString(6));
      nfe += r.getInt(4);
      generated += r.getInt(3);
    }
    assertTrue(nfe < generated, "threshold 0.5 commits more than one position per call on average: " + nfe + " calls, "
        + generated + " positions");
    JsonNode m = manifest(fast);
    long histogramSteps = 0;
    long histogramTokens = 0;
    for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = m.at("/stats/commits_per_step_histogram")
        .fields(); it.hasNext();) {
      java.util.Map.Entry<String, JsonNode> e = it.next();
      histogramSteps += e.getValue().asLong();
      histogramTokens += Long.parseLong(e.getKey()) * e.getValue().asLong();
    }
    assertEquals(nfe, histogramSteps);
    assertEquals(generated, histogramTokens);
    assertEquals((double) generated / nfe, m.at("/stats/mean_commits_per_step").asDouble(), 1e-12);
    assertEquals(nfe, m.at("/stats/nfe_total").asLong());
  }

  private List<String> sorted(String path) {
    return spark.read().parquet(path).orderBy("id", "sample_index").collectAsList().stream().map(Row::toString).toList();
  }

  /**
   * The same rows at 1 vs 3 partitions and batch_size 64 vs 1, with the ancestral sampler and its
   * cache (the kernels' BatchIndependenceTest covers every sampler; this is the Spark stage).
   */
  @Test
  void outputIsIndependentOfPartitioningAndBatchSize() {
    String three = dir.resolve("prompts3").toString();
    spark.read().option("header", "true").option("inferSchema", "true").csv(PROMPTS).repartition(3).write()
        .parquet(three);
    assertEquals(3, spark.read().parquet(three).rdd().getNumPartitions());
    assertEquals(1, spark.read().option("header", "true").csv(PROMPTS).rdd().getNumPartitions());
    for (String sampler : List.of("ancestral")) {
      String[] extra = sampler.equals("ancestral")
          ? new String[] {"--set", "diffusion.sampler=ancestral", "--set", "diffusion.steps=16"}
          : new String[0];
      String a = dir.resolve(sampler + "-1").toString();
      String b = dir.resolve(sampler + "-3").toString();
      assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "-c", CONFIG, "--input", PROMPTS,
          "--output", a, "--set", "samples_per_prompt=6", "--set", "batch_size=64"}, extra)));
      assertEquals(0, SampleforgeMain.execute(concat(new String[] {"generate", "-c", CONFIG, "--input", three,
          "--output", b, "--set", "samples_per_prompt=6", "--set", "batch_size=1"}, extra)));
      List<String> first = sorted(a);
      assertEquals(48, first.size());
      assertEquals(first, sorted(b), sampler + ": 1 partition, batch 64 vs 3 partitions, batch 1");
      assertTrue(spark.read().parquet(a).select("completion").distinct().count() > 40, "samples differ");
    }
    // ancestral with the cache: calls + hits = steps for a sequence that is still masked at the end of every step
    List<Row> anc = spark.read().parquet(dir.resolve("ancestral-1").toString()).collectAsList();
    for (Row r : anc) {
      assertTrue(r.getInt(4) <= 16 + 1 && r.getInt(4) + r.getInt(5) <= 16 + 1, r.toString());
      assertTrue(r.getString(6).contains("\"sampler\":\"ancestral\",\"steps\":16"), r.getString(6));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void badConfigExitsTwoNamingTheKey() {
    String out = dir.resolve("never").toString();
    Cli rows = Cli.run("generate", "-c", CONFIG, "--output", out,
        "--set", "model.transitions=[[0.1, 0.6, 0.3], [0.2, 0.2, 0.5], [0.7, 0.2, 0.1]]");
    assertEquals(2, rows.code());
    assertTrue(rows.err().contains("parameter 'model.transitions' row 1 must sum to 1"), rows.err());
    Cli temperature = Cli.run("generate", "-c", CONFIG, "--output", out, "--set", "temperature=0.7");
    assertEquals(2, temperature.code());
    assertTrue(temperature.err().contains("parameter 'model.type/temperature' applies to autoregressive models only"),
        temperature.err());
    Cli steps = Cli.run("generate", "-c", CONFIG, "--output", out, "--set", "diffusion.steps=64");
    assertEquals(2, steps.code());
    assertTrue(steps.err().contains("parameter 'diffusion.sampler/diffusion.steps' applies to diffusion.sampler "
        + "ancestral, llada, dream, odd, svdd only"),
        steps.err());
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void unknownPromptStateExitsThreeNamingTheRowAndTheToken() throws IOException {
    Path prompts = dir.resolve("bad.csv");
    Files.writeString(prompts, "id,prompt\n1,a b\n2,b\n5,a x c\n9,c\n");
    String out = dir.resolve("bad-out").toString();
    Cli bad = Cli.run("generate", "-c", CONFIG, "--input", prompts.toString(), "--output", out);
    assertEquals(3, bad.code(), bad.err());
    assertTrue(bad.err().contains("1 prompts, e.g. id 5: unknown state 'x' at token 1"), bad.err());
    assertFalse(Files.exists(Path.of(out)));
    Files.writeString(prompts, "id,prompt\n1,a b\n2,b\n1,c\n");
    Cli repeated = Cli.run("generate", "-c", CONFIG, "--input", prompts.toString(), "--output", out);
    assertEquals(3, repeated.code(), repeated.err());
    assertTrue(repeated.err().contains("column 'id' must be unique") && repeated.err().contains("id 1 on 2 rows"),
        repeated.err());
    assertFalse(Files.exists(Path.of(out)));
  }
}
