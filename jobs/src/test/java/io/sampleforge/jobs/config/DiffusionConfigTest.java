package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.discrete.DreamSettings;
import io.sampleforge.diffusion.discrete.OddSampler;
import io.sampleforge.errors.SampleforgeException;
import io.sampleforge.spark.text.DiffusionKernel;
import io.sampleforge.spark.text.TokenSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diffusion block's Dream warper keys on the masked-diffusion example (conf/jobs/generate-mdm.yaml):
 * diffusion.top_p and diffusion.top_k reach Dream's settings and its JSON, default to off, are refused
 * with a bad value and with every other sampler, naming the key; ODD's odd_confidence_weighting
 * (default true) reaches OddSettings, the sampler and the JSON, and is refused by the other samplers.
 */
class DiffusionConfigTest {
  private static GenerateJobConfig bind(String... sets) {
    return ConfigLoader.bind(ConfigLoader.tree(Path.of("..", "conf", "jobs", "generate-mdm.yaml"), List.of(sets)),
        GenerateJobConfig.class);
  }

  private static String refusal(String... sets) {
    return assertThrows(SampleforgeException.class, () -> bind(sets).diffusionSettings()).getMessage();
  }

  @Test
  void dreamTakesTopPAndTopK() {
    DiffusionKernel.Dream off = (DiffusionKernel.Dream) bind("diffusion.sampler=dream").diffusionSettings().kernel();
    assertEquals(1.0, off.settings().topP());
    assertEquals(0, off.settings().topK());
    assertTrue(off.describe().endsWith("\"top_p\":1.0,\"top_k\":null}"), off.describe());
    DiffusionKernel.Dream on = (DiffusionKernel.Dream) bind("diffusion.sampler=dream", "diffusion.top_p=0.9",
        "diffusion.top_k=3").diffusionSettings().kernel();
    DreamSettings s = on.settings();
    assertEquals(0.9, s.topP());
    assertEquals(3, s.topK());
    assertTrue(on.describe().endsWith("\"top_p\":0.9,\"top_k\":3}"), on.describe());
  }

  @Test
  void oddTakesConfidenceWeighting() {
    DiffusionKernel.Odd on = (DiffusionKernel.Odd) bind("diffusion.sampler=odd").diffusionSettings().kernel();
    assertTrue(on.odd().confidenceWeighting(), "the reference's default");
    assertTrue(on.describe().endsWith("\"odd_quality_scale\":1.0,\"odd_confidence_weighting\":true}"), on.describe());
    DiffusionKernel.Odd off = (DiffusionKernel.Odd) bind("diffusion.sampler=odd",
        "diffusion.odd_confidence_weighting=false", "diffusion.odd_alpha=32").diffusionSettings().kernel();
    assertFalse(off.odd().confidenceWeighting());
    assertEquals(32, off.odd().alpha());
    assertTrue(off.describe().endsWith(
        "\"odd_alpha\":32.0,\"odd_quality_scale\":1.0,\"odd_confidence_weighting\":false}"), off.describe());
    OddSampler sampler = (OddSampler) off.sampler(4, 1,
        new TokenSpace(4, 3, new int[] {2}, () -> List.of("a", "b", "c")));
    assertFalse(sampler.oddSettings().confidenceWeighting(), "the flag reaches the sampler");
    assertArrayEquals(new int[] {2}, sampler.oddSettings().protectedIds(), "EOS joins the protected ids");
    for (String sampler2 : List.of("llada", "dream", "first-hitting", "ancestral")) {
      String message = refusal("diffusion.sampler=" + sampler2, "diffusion.odd_confidence_weighting=false");
      assertTrue(message.contains("parameter 'diffusion.sampler/diffusion.odd_confidence_weighting' applies to"
          + " diffusion.sampler odd only (diffusion.sampler is " + sampler2 + ")"), message);
    }
  }

  @Test
  void badValuesNameTheKey() {
    String[][] cases = {{"diffusion.top_p=0", "parameter 'diffusion.top_p' must be a float in (0, 1]"},
        {"diffusion.top_p=1.5", "parameter 'diffusion.top_p' must be a float in (0, 1]"},
        {"diffusion.top_p=-0.2", "parameter 'diffusion.top_p' must be a float in (0, 1]"},
        {"diffusion.top_k=0", "parameter 'diffusion.top_k' must be an integer >= 1"},
        {"diffusion.top_k=-3", "parameter 'diffusion.top_k' must be an integer >= 1"}};
    for (String[] c : cases) {
      String message = refusal("diffusion.sampler=dream", c[0]);
      assertTrue(message.contains(c[1]), c[0] + ": " + message);
    }
  }

  @Test
  void otherSamplersRefuseTheWarpers() {
    List<String> others = new ArrayList<>(DiffusionConfig.SAMPLERS);
    others.remove("dream");
    assertEquals(6, others.size());
    for (String sampler : others) {
      for (String key : List.of("top_p=0.9", "top_k=2")) {
        String message = sampler.equals("svdd")
            ? refusal("diffusion.sampler=svdd", "diffusion.reward_regex=a", "diffusion." + key)
            : refusal("diffusion.sampler=" + sampler, "diffusion." + key);
        String name = key.substring(0, key.indexOf('='));
        assertTrue(message.contains("parameter 'diffusion.sampler/diffusion." + name
            + "' applies to diffusion.sampler dream only (diffusion.sampler is " + sampler + ")"), message);
      }
    }
  }

  /** The parallel sampler's keys reach its settings; another rule's key and bad values are refused naming the key. */
  @Test
  void parallelTakesTheCommitRuleKeys() {
    DiffusionKernel.Parallel def = (DiffusionKernel.Parallel) bind("diffusion.sampler=parallel").diffusionSettings()
        .kernel();
    assertEquals(new io.sampleforge.diffusion.discrete.CommitRule.Threshold(0.9), def.rule());
    assertEquals(io.sampleforge.diffusion.discrete.ConfidenceKind.DRAWN, def.confidence());
    DiffusionKernel.Parallel factor = (DiffusionKernel.Parallel) bind("diffusion.sampler=parallel",
        "diffusion.commit_rule=factor", "diffusion.factor=2.0", "diffusion.confidence=max_probability",
        "diffusion.block_length=4").diffusionSettings().kernel();
    assertEquals(new io.sampleforge.diffusion.discrete.CommitRule.Factor(2.0), factor.rule());
    assertEquals(io.sampleforge.diffusion.discrete.ConfidenceKind.MAX_PROBABILITY, factor.confidence());
    assertEquals(4, factor.settings(8).blockLength());
    assertTrue(factor.describe().endsWith("\"confidence\":\"max_probability\",\"commit_rule\":\"factor\","
        + "\"factor\":2.0,\"kv_cache\":\"none\"}"), factor.describe());
    String other = refusal("diffusion.sampler=parallel", "diffusion.factor=2.0");
    assertTrue(other.contains("parameter 'diffusion.commit_rule/factor' applies to commit_rule factor only "
        + "(commit_rule is threshold)"), other);
    String tau = refusal("diffusion.sampler=parallel", "diffusion.threshold=1.5");
    assertTrue(tau.contains("parameter 'diffusion.threshold'"), tau);
    String rule = refusal("diffusion.sampler=parallel", "diffusion.commit_rule=greedy");
    assertTrue(rule.contains("parameter 'diffusion.commit_rule' must be one of threshold, factor, frechet_profile"),
        rule);
    assertEquals(io.sampleforge.diffusion.discrete.CacheMode.NONE, def.kvCache());
    String noCachedModel = refusal("diffusion.sampler=parallel", "diffusion.kv_cache=prefix");
    assertTrue(noCachedModel.contains("parameter 'diffusion.kv_cache' needs a model exported under the cached masked "
        + "contract") && noCachedModel.contains("prefix"), noCachedModel);
    String mode = refusal("diffusion.sampler=parallel", "diffusion.kv_cache=triple");
    assertTrue(mode.contains("parameter 'diffusion.kv_cache' must be one of [none, prefix, dual]"), mode);
    String kvElsewhere = refusal("diffusion.sampler=llada", "diffusion.kv_cache=dual");
    assertTrue(kvElsewhere.contains("parameter 'diffusion.sampler/diffusion.kv_cache' applies to diffusion.sampler "
        + "parallel only"), kvElsewhere);
    String elsewhere = refusal("diffusion.sampler=llada", "diffusion.threshold=0.9");
    assertTrue(elsewhere.contains("parameter 'diffusion.sampler/diffusion.threshold' applies to diffusion.sampler "
        + "parallel only"), elsewhere);
  }
}
