package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaDA, Dream, ODD and SVDD samplers of generate's masked-diffusion path on the Markov-chain
 * example (conf/jobs/generate-mdm.yaml, conf/data/markov-prompts.csv: prompts of 1 to 3 states,
 * model.length 12), each run once with a check specific to it, and their bad keys.
 */
class DiffusionSamplersJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/generate-mdm.yaml";
  private static final String PROMPTS = "../conf/data/markov-prompts.csv";
  /** The prompts of markov-prompts.csv by id. */
  private static final Map<Integer, String> PROMPT = Map.of(1, "a", 2, "b", 3, "c", 4, "a b", 5, "c c", 6, "b a c",
      7, "a a", 8, "c b");

  @TempDir
  static Path dir;

  private String generate(String name, String... sets) {
    String out = dir.resolve(name).toString();
    String[] args = {"generate", "-c", CONFIG, "--input", PROMPTS, "--output", out};
    for (String s : sets) {
      args = Arrays.copyOf(args, args.length + 2);
      args[args.length - 2] = "--set";
      args[args.length - 1] = s;
    }
    assertEquals(0, SampleforgeMain.execute(args), name);
    return out;
  }

  private List<Row> rows(String out) {
    return spark.read().parquet(out).orderBy("id", "sample_index").collectAsList();
  }

  private static int generated(Row r) {
    return 12 - PROMPT.get(r.getInt(0)).split(" ").length;
  }

  private static double exactLaw(String out) throws IOException {
    return new ObjectMapper().readTree(new File(out, "_manifest.json")).at("/stats/exact_law_distance").asDouble();
  }

  /**
   * Dream (entropy, T = 1, 4 steps, top_p .9 and top_k 2; the warpers' laws: DreamWarpersTest): every
   * row complete, at most 4 model calls per row, the warpers in the sampler JSON.
   */
  @Test
  void dreamFillsEveryRowWithinItsSteps() {
    List<Row> rows = rows(generate("dream", "diffusion.sampler=dream", "diffusion.steps=4", "diffusion.alg=entropy",
        "diffusion.temperature=1.0", "diffusion.top_p=0.9", "diffusion.top_k=2", "samples_per_prompt=10"));
    assertEquals(80, rows.size());
    for (Row r : rows) {
      assertEquals(generated(r), r.getInt(3), r.toString());
      assertEquals(generated(r), r.getString(2).split(" ").length, r.toString());
      assertTrue(r.getInt(4) >= 1 && r.getInt(4) <= 4, "nfe <= steps: " + r);
      assertTrue(r.getString(6).contains("\"sampler\":\"dream\",\"steps\":4"), r.getString(6));
      assertTrue(r.getString(6).contains("\"top_p\":0.9,\"top_k\":2}"), r.getString(6));
    }
  }

  private static List<String> completions(List<Row> rows) {
    return rows.stream().map(r -> r.getInt(0) + "/" + r.getInt(1) + ":" + r.getString(2)).toList();
  }

  /**
   * LLaDA with the value-independent entropy rule, T = 1 and steps defaulting to the span: one token
   * and one model call per generated position, and the exact law (N = 800). ODD on the same settings:
   * odd_alpha 0 is LLaDA row for row; odd_alpha 16 changes samples (the repulsion acts), keeps LLaDA's
   * NFE, and, since ODD gets all samples of a prompt in one call, batch_size 4 < samples_per_prompt 6
   * gives the same rows as batch_size 64 (split groups would repel differently).
   */
  @Test
  void lladaEntropyIsExactAndOddRepelsWholePrompts() throws IOException {
    String[] common = {"diffusion.remasking=entropy", "diffusion.temperature=1.0"};
    String out = generate("llada", concat(common, "diffusion.sampler=llada", "samples_per_prompt=100"));
    List<Row> llada = rows(out);
    assertEquals(800, llada.size());
    for (Row r : llada) {
      assertEquals(generated(r), r.getInt(3), r.toString());
      assertEquals(generated(r), r.getInt(4), "nfe = generated positions: " + r);
      assertFalse(r.getString(2).contains("<mask>"), r.toString());
      assertTrue(r.getString(6).startsWith("{\"sampler\":\"llada\""), r.getString(6));
    }
    double d = exactLaw(out);
    assertTrue(d < 0.06, "llada entropy at one token per step: " + d);

    // the draws are keyed by (prompt, sample index): LLaDA's first 6 samples are the rows ODD starts from
    List<String> first6 = completions(llada.stream().filter(r -> r.getInt(1) < 6).toList());
    List<Row> odd0 = rows(generate("odd-0", concat(common, "diffusion.sampler=odd", "diffusion.odd_alpha=0",
        "samples_per_prompt=6")));
    assertEquals(first6, completions(odd0), "odd_alpha 0 = LLaDA");
    List<Row> odd = rows(generate("odd-16", concat(common, "diffusion.sampler=odd", "samples_per_prompt=6",
        "batch_size=64")));
    List<Row> oddSmall = rows(generate("odd-16-b4", concat(common, "diffusion.sampler=odd", "samples_per_prompt=6",
        "batch_size=4")));
    assertEquals(48, odd.size());
    assertEquals(completions(odd), completions(oddSmall), "whole prompts per call");
    long changed = 0;
    for (int i = 0; i < 48; i++) {
      changed += first6.get(i).equals(completions(odd).get(i)) ? 0 : 1;
    }
    assertTrue(changed >= 5, "odd_alpha 16 changed " + changed + " of 48 rows");
    for (Row r : odd) {
      assertEquals(generated(r), r.getInt(4), "ODD's NFE is LLaDA's: " + r);
      assertTrue(r.getString(6).contains("\"odd_alpha\":16.0"), r.getString(6));
    }
  }

  private static double reward(Pattern p, List<Row> rows) {
    long total = 0;
    for (Row r : rows) {
      Matcher m = p.matcher(PROMPT.get(r.getInt(0)) + " " + r.getString(2));
      while (m.find()) {
        total++;
      }
    }
    return (double) total / rows.size();
  }

  /**
   * SVDD: one candidate is the ancestral sampler row for row; 8 candidates raise the mean number of
   * matches of reward_regex (recounted here from the written rows).
   */
  @Test
  void svddRaisesTheRegexReward() {
    String regex = "a b";
    String[] common = {"diffusion.steps=8", "samples_per_prompt=25"};
    List<Row> ancestral = rows(generate("svdd-anc", concat(common, "diffusion.sampler=ancestral")));
    List<Row> one = rows(generate("svdd-1", concat(common, "diffusion.sampler=svdd", "diffusion.svdd_candidates=1",
        "diffusion.reward_regex=" + regex)));
    assertEquals(200, one.size());
    assertEquals(completions(ancestral), completions(one), "svdd_candidates 1 = ancestral");
    List<Row> eight = rows(generate("svdd-8", concat(common, "diffusion.sampler=svdd", "diffusion.svdd_candidates=8",
        "diffusion.reward_regex=" + regex)));
    Pattern p = Pattern.compile(regex);
    double base = reward(p, ancestral);
    double guided = reward(p, eight);
    assertTrue(guided > base + 0.5, "mean matches of '" + regex + "': svdd M = 8 " + guided + " vs ancestral " + base);
    assertTrue(eight.get(0).getString(6).contains("\"svdd_candidates\":8"), eight.get(0).getString(6));
  }

  @Test
  void badKeysExitTwoNamingTheKey() {
    String out = dir.resolve("never").toString();
    Object[][] cases = {
        {"parameter 'diffusion.block_length' must divide gen_length = 11", "diffusion.sampler=llada",
            "diffusion.block_length=2"},
        {"parameter 'diffusion.sampler/diffusion.block_length' applies to diffusion.sampler llada, odd, parallel only",
            "diffusion.sampler=dream", "diffusion.block_length=2"},
        {"parameter 'diffusion.sampler/diffusion.svdd_alpha' applies to diffusion.sampler svdd only",
            "diffusion.sampler=ancestral", "diffusion.svdd_alpha=1.0"},
        {"parameter 'diffusion.reward_regex/reward_model' the svdd sampler needs exactly one reward", "diffusion.sampler=svdd"},
        {"parameter 'diffusion.alg' must be one of", "diffusion.sampler=dream", "diffusion.alg=greedy"},
        {"parameter 'diffusion.top_p' must be a float in (0, 1]", "diffusion.sampler=dream", "diffusion.top_p=0"},
        {"parameter 'diffusion.sampler/diffusion.top_k' applies to diffusion.sampler dream only",
            "diffusion.sampler=llada", "diffusion.top_k=5"},
        {"parameter 'diffusion.odd_alpha' must be a finite float >= 0", "diffusion.sampler=odd",
            "diffusion.odd_alpha=-1"},
        {"parameter 'diffusion.reward_regex' must be a valid java.util.regex pattern", "diffusion.sampler=svdd",
            "diffusion.reward_regex=a("},
    };
    for (Object[] c : cases) {
      String[] args = {"generate", "-c", CONFIG, "--input", PROMPTS, "--output", out};
      for (int i = 1; i < c.length; i++) {
        args = concat(args, "--set", (String) c[i]);
      }
      Cli r = Cli.run(args);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains((String) c[0]), c[0] + " in: " + r.err());
    }
    assertFalse(Files.exists(Path.of(out)));
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
