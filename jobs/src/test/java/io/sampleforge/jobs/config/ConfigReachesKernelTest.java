package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.spark.subset.GmeSelector;
import io.sampleforge.spark.tabular.Smote;
import io.sampleforge.spark.text.TextGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every config key of every job reaches the kernel: starting from the job's example config
 * (conf/jobs), changing one key to another valid value changes the kernel's typed settings (compared
 * as JSON, so arrays and nested records compare by value). Keys that are not kernel settings (where
 * to read and write, output layout, model construction, prompt-table handling) are listed with the
 * reason; the test fails when a config gains a key that is in neither list. And each default is
 * stated once: a config that leaves every optional key out gives the same settings as the kernel's
 * (or the Spark stage's) own defaults.
 */
class ConfigReachesKernelTest {
  /** A key, its alternative value (YAML), and keys that must be set first so that it matters. */
  private record Change(String key, String value, Map<String, String> context) {
    static Change of(String key, String value, String... context) {
      Map<String, String> c = new LinkedHashMap<>();
      for (int i = 0; i < context.length; i += 2) {
        c.put(context[i], context[i + 1]);
      }
      return new Change(key, value, c);
    }
  }

  private static ObjectNode example(String job) {
    return ConfigLoader.tree(Path.of("..", "conf", "jobs", job + ".yaml"), List.of());
  }

  /** A structural description: records by type and components, arrays and collections by content. */
  private static String json(Object o) {
    if (o == null) {
      return "null";
    }
    Class<?> c = o.getClass();
    if (c.isRecord()) {
      StringBuilder b = new StringBuilder(c.getSimpleName()).append('(');
      for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
        try {
          java.lang.reflect.Method m = rc.getAccessor();
          m.setAccessible(true);
          b.append(rc.getName()).append('=').append(json(m.invoke(o))).append(',');
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return b.append(')').toString();
    }
    if (c.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
        b.append(json(java.lang.reflect.Array.get(o, i))).append(',');
      }
      return b.append(']').toString();
    }
    if (o instanceof java.util.Collection<?> col) {
      StringBuilder b = new StringBuilder("[");
      col.forEach(x -> b.append(json(x)).append(','));
      return b.append(']').toString();
    }
    if (o instanceof Map<?, ?> map) {
      StringBuilder b = new StringBuilder("{");
      new java.util.TreeMap<>(map).forEach((k, v) -> b.append(k).append('=').append(json(v)).append(','));
      return b.append('}').toString();
    }
    return c.getSimpleName() + ":" + o;
  }

  private static <C> void everyKeyReachesTheKernel(String job, Class<C> type, Function<C, Object> kernel,
      List<Change> changes, Map<String, String> notKernel) {
    TreeSet<String> all = new TreeSet<>(ConfigTrees.knownKeys(example(job), type));
    all.removeIf(k -> k.endsWith(".x"));
    TreeSet<String> named = new TreeSet<>(notKernel.keySet());
    changes.forEach(c -> named.add(c.key()));
    List<String> failures = new ArrayList<>();
    for (Change c : changes) {
      ObjectNode base = example(job);
      c.context().forEach((k, v) -> ConfigLoader.set(base, k, v));
      ObjectNode changed = base.deepCopy();
      ConfigLoader.set(changed, c.key(), c.value());
      String before = json(kernel.apply(ConfigLoader.bind(base, type)));
      String after = json(kernel.apply(ConfigLoader.bind(changed, type)));
      if (before.equals(after)) {
        failures.add(c.key() + "=" + c.value() + " did not change the settings " + before);
      }
    }
    // a group key (lineage, model) is covered by its members; a member by its group when the group is listed
    TreeSet<String> covered = new TreeSet<>();
    for (String k : all) {
      boolean byName = named.contains(k);
      boolean byMembers = named.stream().anyMatch(n -> n.startsWith(k + "."));
      boolean byGroup = k.contains(".") && notKernel.containsKey(k.substring(0, k.indexOf('.')));
      if (byName || byMembers || byGroup) {
        covered.add(k);
      }
    }
    named.forEach(n -> org.junit.jupiter.api.Assertions.assertTrue(all.contains(n), job + ": '" + n + "' is not a config key"));
    assertEquals(all, covered, job + ": every key is either shown to reach the kernel or listed as not a kernel setting");
    assertEquals(List.of(), failures, job);
  }

  @Test
  void smote() {
    everyKeyReachesTheKernel("smote", SmoteJobConfig.class, SmoteJobConfig::settings, List.of(
        Change.of("label", "y"), Change.of("features", "[f0, f1, f2]"), Change.of("k", "3"),
        Change.of("sampling_strategy", "0.5"), Change.of("seed", "7"), Change.of("id_column", "id"),
        Change.of("lineage.is_synthetic", "syn"), Change.of("lineage.parent_id", "p"),
        Change.of("lineage.neighbor_id", "nb"), Change.of("passthrough", "null"), Change.of("on_invalid", "drop"),
        Change.of("block_rows", "128"), Change.of("method", "adasyn"),
        Change.of("m_neighbors", "7", "method", "borderline-1"), Change.of("shrinkage", "0.5", "method", "random"),
        Change.of("clean", "enn"), Change.of("neighbor_search", "exact"), Change.of("approx_above", "10"),
        Change.of("approx_leaf_rows", "1024"), Change.of("approx_trees", "2"), Change.of("approx_spill", "0.2"),
        Change.of("categorical", "[color]"), Change.of("features_vector", "vec", "features", "[]", "features_vector", "v2")),
        Map.of("input", "where to read", "input_format", "how to read", "output", "where to write",
            "mode", "whether to replace an existing output",
            "column_types", "how CSV columns are parsed (SmoteJobTest: declared, sampled, refused)"));
  }

  @Test
  void gme() {
    everyKeyReachesTheKernel("gme", GmeJobConfig.class, GmeJobConfig::settings, List.of(
        Change.of("item", "x"), Change.of("attributes", "[a]"), Change.of("selector", "sum"),
        Change.of("binarised", "true"), Change.of("n", "10"), Change.of("strata_n", "{a: 5}", "stratify_by", "s"),
        Change.of("stratify_by", "s"), Change.of("missing", "ignore"), Change.of("candidates", "10"),
        Change.of("when_short", "fail"), Change.of("seed", "7"), Change.of("threads", "2"),
        Change.of("scoring", "distributed"), Change.of("shards", "3")),
        Map.of("input", "where to read", "input_format", "how to read", "output", "where to write",
            "mode", "whether to replace an existing output",
            "emit", "which tables the job writes (ranking, rows or both): GmeJobTest"));
  }

  @Test
  void generate() {
    everyKeyReachesTheKernel("generate", GenerateJobConfig.class,
        c -> c.generation(c.sampler(List.of(), List.of())), List.of(
        Change.of("decoding", "greedy"), Change.of("temperature", "0.5"), Change.of("top_k", "5"),
        Change.of("top_p", "0.9"), Change.of("min_p", "0.1"), Change.of("typical_p", "0.9"),
        Change.of("epsilon", "0.01"), Change.of("eta", "0.01"), Change.of("min_tokens_to_keep", "2"),
        Change.of("repetition_penalty", "1.2"), Change.of("penalize_prompt", "false"),
        Change.of("presence_penalty", "0.5"), Change.of("frequency_penalty", "0.5"),
        Change.of("no_repeat_ngram_size", "2"), Change.of("min_new_tokens", "1"), Change.of("samples_per_prompt", "2"),
        Change.of("max_new_tokens", "8"), Change.of("stop", "[x]"), Change.of("batch_size", "8"),
        Change.of("seed", "7")),
        notKernel(Map.of("input", "where to read", "input_format", "how to read", "output", "where to write",
            "mode", "whether to replace an existing output", "id_column", "a column of the prompt table",
            "prompt_column", "a column of the prompt table", "on_empty_prompt", "prompt-table handling (GenerateJobTest)",
            "context_overflow", "prompt-table handling (ContextOverflowTest, GenerateJobTest)",
            "row_overrides", "per-row sampler values read from prompt columns (GenerateJobTest)",
            "toy_grammar_metric", "a manifest metric, not a sampler setting"),
            Map.of("bad_words", "resolved against the model's vocabulary into the sampler's banned ids (BannedTokens)",
                "model", "model construction: which model the kernel runs (GenerateJobTest, GenerateModelSafetyTest)",
                "diffusion", "masked-diffusion sampler settings, refused with other models (generateMdm below)")));
  }

  private static final String AUTOREGRESSIVE_ONLY = "autoregressive only: refused when model.type is markov-chain";

  /** The masked-diffusion example: every diffusion key and the chain's keys reach the stage's settings and model. */
  @Test
  void generateMdm() {
    String[] ancestral = {"diffusion.sampler", "ancestral"};
    String[] llada = {"diffusion.sampler", "llada"};
    String[] dream = {"diffusion.sampler", "dream"};
    String[] odd = {"diffusion.sampler", "odd"};
    String[] svdd = {"diffusion.sampler", "svdd", "diffusion.reward_regex", "a"};
    Map<String, String> notKernel = new LinkedHashMap<>();
    notKernel.putAll(Map.of("input", "where to read", "input_format", "how to read", "output", "where to write",
        "mode", "whether to replace an existing output", "id_column", "a column of the prompt table",
        "prompt_column", "a column of the prompt table", "on_empty_prompt", "prompt-table handling (MaskedDiffusionJobTest)"));
    for (String k : List.of("decoding", "temperature", "top_k", "top_p", "min_p", "typical_p", "epsilon", "eta",
        "min_tokens_to_keep", "repetition_penalty", "penalize_prompt", "presence_penalty", "frequency_penalty",
        "no_repeat_ngram_size", "bad_words", "min_new_tokens", "max_new_tokens", "stop", "context_overflow",
        "row_overrides", "toy_grammar_metric")) {
      notKernel.put(k, AUTOREGRESSIVE_ONLY + " (MaskedDiffusionJobTest)");
    }
    for (String k : List.of("order", "corpus", "text_column", "toy_sentences", "corpus_seed", "dir", "path", "tokenizer",
        "vocab_size", "bos_id", "eos_ids", "cached", "layers", "heads", "head_dim", "context", "mask_id", "logits_shift")) {
      notKernel.put("model." + k, "keys of the other models, refused for markov-chain");
    }
    notKernel.put("model.type", "which model: markov-chain selects this path (MaskedDiffusionJobTest)");
    notKernel.put("diffusion.kv_cache", "needs a cached exported masked model, refused for markov-chain "
        + "(DiffusionConfigTest; reaches the sampler in CachedMaskedJobTest)");
    everyKeyReachesTheKernel("generate-mdm", GenerateJobConfig.class,
        c -> List.of(c.diffusionSettings(), c.model().markovChain()), List.of(
        Change.of("diffusion.sampler", "ancestral"),
        Change.of("diffusion.schedule", "cosine"), Change.of("diffusion.tokens_per_step", "2"),
        Change.of("diffusion.steps", "64", ancestral), Change.of("diffusion.eps", "0.001", ancestral),
        Change.of("diffusion.cache", "false", ancestral), Change.of("diffusion.noise_removal", "false", ancestral),
        Change.of("diffusion.block_length", "1", llada), Change.of("diffusion.temperature", "0.5", llada),
        Change.of("diffusion.cfg_scale", "1.0", llada), Change.of("diffusion.remasking", "entropy", llada),
        Change.of("diffusion.alg", "entropy", dream), Change.of("diffusion.alg_temp", "0.5", dream),
        Change.of("diffusion.top_p", "0.9", dream), Change.of("diffusion.top_k", "5", dream),
        Change.of("diffusion.odd_alpha", "2.0", odd), Change.of("diffusion.odd_quality_scale", "0.5", odd),
        Change.of("diffusion.odd_confidence_weighting", "false", odd),
        Change.of("diffusion.svdd_candidates", "3", svdd), Change.of("diffusion.svdd_alpha", "1.0", svdd),
        Change.of("diffusion.svdd_rerank_fraction", "0.5", svdd), Change.of("diffusion.reward_regex", "b", svdd),
        Change.of("diffusion.confidence", "max_probability", "diffusion.sampler", "parallel"),
        Change.of("diffusion.commit_rule", "factor", "diffusion.sampler", "parallel"),
        Change.of("diffusion.threshold", "0.5", "diffusion.sampler", "parallel"),
        Change.of("diffusion.factor", "2.0", "diffusion.sampler", "parallel", "diffusion.commit_rule", "factor"),
        Change.of("diffusion.frechet_margin", "0.5", "diffusion.sampler", "parallel", "diffusion.commit_rule",
            "frechet_profile"),
        Change.of("diffusion.reward_model", "/models/b.pt", "diffusion.sampler", "svdd", "diffusion.reward_model",
            "/models/a.pt"),
        Change.of("samples_per_prompt", "2"), Change.of("batch_size", "8"), Change.of("seed", "7"),
        Change.of("model.states", "[x, y, z]"), Change.of("model.initial", "[0.2, 0.3, 0.5]"),
        Change.of("model.transitions", "[[0.5, 0.5, 0.0], [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]]"),
        Change.of("model.length", "5")),
        notKernel);
  }

  /** The generators' keys that are not part of the table's specification. */
  private static final Map<String, String> SYNTH_NOT_KERNEL = Map.of("output", "where to write", "format",
      "how to write", "mode", "whether to replace an existing output",
      "partitions", "Spark partitions of the generated range (the rows do not depend on it: SyntheticTables)");

  @Test
  void synthTable() {
    everyKeyReachesTheKernel("synth-table", SynthTableConfig.class, SynthTableConfig::spec, List.of(
        Change.of("rows", "1000"), Change.of("informative", "6"), Change.of("redundant", "2"), Change.of("noise", "1"),
        Change.of("weights", "[0.9, 0.1]"), Change.of("clusters_per_class", "1"), Change.of("class_sep", "2.0"),
        Change.of("seed", "7")),
        SYNTH_NOT_KERNEL);
  }

  @Test
  void synthRelations() {
    everyKeyReachesTheKernel("synth-relations", SynthRelationsConfig.class, SynthRelationsConfig::spec, List.of(
        Change.of("items", "1000"), Change.of("relations_per_item", "4"), Change.of("columns", "[a, b]"),
        Change.of("vocabulary", "[100, 10]"), Change.of("skew", "2.0"), Change.of("seed", "7")),
        SYNTH_NOT_KERNEL);
  }

  /** diffuse: the stage's settings (solver spec, seed, batch size) and the model spec. */
  @Test
  void diffuse() {
    everyKeyReachesTheKernel("diffuse", DiffuseConfig.class,
        c -> List.of(c.samplingSettings(), c.model().spec()),
        List.of(Change.of("model.columns", "[u, v]"), Change.of("model.weights", "[0.2, 0.3, 0.5]"),
            Change.of("model.means", "[[-1.0, 0.0], [2.0, 0.5], [0.0, 2.5]]"),
            Change.of("model.covariances", "[[[1.0, 0.0], [0.0, 1.0]], [[0.2, -0.1], [-0.1, 0.5]], [[0.3, 0.0], [0.0, 0.1]]]"),
            Change.of("schedule.beta_schedule", "scaled_linear"), Change.of("schedule.num_train_timesteps", "500"),
            Change.of("schedule.beta_start", "0.0002"), Change.of("schedule.beta_end", "0.03"),
            Change.of("solver.order", "3"), Change.of("solver.solver_type", "heun"),
            Change.of("solver.lower_order_final", "false"), Change.of("solver.euler_at_final", "true"),
            Change.of("steps", "10"), Change.of("timesteps.spacing", "trailing"),
            Change.of("timesteps.final_sigma", "sigma_min"), Change.of("timesteps.steps_offset", "1"),
            Change.of("batch_size", "64"), Change.of("seed", "7"), Change.of("solver.name", "ddim",
                "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null",
                "solver.euler_at_final", "null"),
            Change.of("schedule.beta_min", "0.2", "schedule.type", "linear", "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null", "schedule.beta_end", "null", "timesteps.spacing", "logSNR", "timesteps.final_sigma", "null", "timesteps.steps_offset", "null"),
            Change.of("schedule.beta_max", "15.0", "schedule.type", "linear", "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null", "schedule.beta_end", "null", "timesteps.spacing", "logSNR", "timesteps.final_sigma", "null", "timesteps.steps_offset", "null"),
            Change.of("solver.order_rule", "dpm_solver"),
            Change.of("solver.variant", "bh1", "solver.name", "unipc", "solver.solver_type", "null", "solver.euler_at_final", "null"),
            Change.of("solver.disable_corrector", "[1, 2]", "solver.name", "unipc", "solver.solver_type", "null", "solver.euler_at_final", "null"),
            Change.of("solver.dc_ratios", "[1, 1, 0.9, 1.1, 1]", "solver.name", "unipc", "solver.solver_type", "null",
                "solver.euler_at_final", "null", "steps", "5", "solver.dc_ratios", "[1, 1, 1, 1, 1]"),
            Change.of("solver.dc_order", "1", "solver.name", "unipc", "solver.solver_type", "null",
                "solver.euler_at_final", "null", "steps", "5", "solver.dc_ratios", "[1, 1, 0.9, 1.1, 1]"),
            Change.of("solver.method", "singlestep_fixed", "solver.name", "dpmsolver++-singlestep", "solver.lower_order_final", "null", "solver.euler_at_final", "null", "timesteps.spacing", "logSNR", "timesteps.final_sigma", "null", "timesteps.steps_offset", "null"),
            Change.of("solver.name", "dpmsolver", "timesteps.final_sigma", "sigma_min"),
            Change.of("solver.name", "ipndm", "solver.order", "null", "solver.solver_type", "null",
                "solver.lower_order_final", "null", "solver.euler_at_final", "null", "schedule.type", "null",
                "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null",
                "schedule.beta_end", "null", "timesteps.spacing", "null", "timesteps.final_sigma", "null",
                "timesteps.steps_offset", "null"),
            Change.of("solver.name", "sde-dpmsolver", "timesteps.final_sigma", "sigma_min", "solver.order_rule", "null"),
            Change.of("solver.predict_x0", "false", "solver.name", "unipc", "solver.solver_type", "null",
                "solver.euler_at_final", "null"),
            Change.of("solver.name", "dpmsolver-singlestep", "solver.name", "dpmsolver++-singlestep", "solver.lower_order_final", "null", "solver.euler_at_final", "null", "timesteps.spacing", "logSNR", "timesteps.final_sigma", "null", "timesteps.steps_offset", "null"),
            Change.of("solver.eta", "1.0", "solver.name", "ddim", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null"),
            Change.of("solver.clip_sample", "true", "solver.name", "ddim", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null"),
            Change.of("solver.clip_sample_range", "2.0", "solver.clip_sample", "true", "solver.name", "ddim", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null"),
            Change.of("model.component_classes", "[0, 1, 1]"),
            Change.of("solver.thresholding", "true"),
            Change.of("schedule.sigma_min", "0.01", "schedule.type", "edm", "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null", "schedule.beta_end", "null", "timesteps.spacing", "karras", "timesteps.steps_offset", "null"),
            Change.of("schedule.sigma_max", "40.0", "schedule.type", "edm", "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null", "schedule.beta_end", "null", "timesteps.spacing", "karras", "timesteps.steps_offset", "null"),
            Change.of("schedule.rho", "5.0", "schedule.type", "edm", "schedule.beta_schedule", "null", "schedule.num_train_timesteps", "null", "schedule.beta_start", "null", "schedule.beta_end", "null", "timesteps.spacing", "karras", "timesteps.steps_offset", "null"),
            Change.of("smc.particles", "8", "smc.particles", "16", "label_column", "label", "model.component_classes",
                "[0, 1, 1]", "rows", "null", "input", "requests.parquet", "solver.name", "sde-dpmsolver++",
                "solver.order_rule", "null"),
            Change.of("smc.ess_threshold", "0.5", "smc.particles", "16", "label_column", "label",
                "model.component_classes", "[0, 1, 1]", "rows", "null", "input", "requests.parquet", "solver.name",
                "sde-dpmsolver++", "solver.order_rule", "null"),
            Change.of("solver.dynamic_thresholding_ratio", "0.9", "solver.thresholding", "true"),
            Change.of("solver.sample_max_value", "2.0", "solver.thresholding", "true"),
            Change.of("time_shift.window", "5", "time_shift.window", "10", "time_shift.cutoff", "300"),
            Change.of("time_shift.cutoff", "500", "time_shift.window", "10", "time_shift.cutoff", "300"),
            Change.of("guidance_scale", "3.0", "label_column", "label", "model.component_classes", "[0, 1, 1]",
                "rows", "null", "input", "requests.parquet"),
            Change.of("schedule.rescale_betas_zero_snr", "true"),
            Change.of("timesteps.lambda_min_clipped", "-3.0"),
            Change.of("solver.s_churn", "2.0", "solver.name", "euler", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null"),
            Change.of("solver.s_tmin", "0.5", "solver.name", "euler", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null", "solver.s_churn", "2.0"),
            Change.of("solver.s_tmax", "10.0", "solver.name", "euler", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null", "solver.s_churn", "2.0"),
            Change.of("solver.s_noise", "1.003", "solver.name", "euler", "solver.order", "null", "solver.solver_type", "null", "solver.lower_order_final", "null", "solver.euler_at_final", "null", "solver.s_churn", "2.0")),
        pairs("output", "where to write", "format", "how to write", "mode", "whether to replace an existing output",
            "rows", "how many requests (the stage's argument, not a setting of a sample)",
            "partitions", "Spark partitions (the samples do not depend on it: DiffuseJobTest)",
            "quality_samples", "how many samples the manifest compares with exact draws (a metric, not sampling)",
            "model.type", "gmm here; gmm-fit is shown by DiffuseJobTest (it needs a table)",
            "model.table", "gmm-fit (DiffuseJobTest)", "model.table_format", "gmm-fit (DiffuseJobTest)",
            "model.components", "gmm-fit (DiffuseJobTest)", "model.max_iter", "gmm-fit (DiffuseJobTest)",
            "model.tol", "gmm-fit (DiffuseJobTest)",
            "model.path", "torchscript/onnx (DiffuseJobTest.anExportedDenoiserSamplesAsTheKernelInBothFormats)",
            "model.shape", "torchscript/onnx (DiffuseJobTest)", "model.prediction_type", "torchscript/onnx (ExportedGaussianDenoiserTest)",
            "model.dir", "trained (DiffuseJobTest.aTrainedModelSamplesTheTableAndIsDeterministic)",
            "model.variances", "the diagonal form of model.covariances (one of the two; DiffuseJobTest's NaN model uses it)",
            "input", "the request table (the stage's argument; DiffuseJobTest)", "input_format", "how to read input",
            "id_column", "the request table's id (DiffuseJobTest)", "count_column", "samples per request (DiffuseJobTest)",
            "samples_per_request", "samples per request without count_column (the stage's argument)",
            "label_column", "the request table's class labels (the stage's argument; DiffuseGuidanceJobTest)",
            "condition_columns", "the request table's continuous conditions (the stage's argument; DiffuseConditionJobTest)",
            "model.num_classes", "torchscript/onnx conditional contract (DiffuseGuidanceJobTest.anExportedConditionalModelDrawsEachLabelsGaussian)",
            "schedule.type", "discrete here; linear changes the schedule kind (ScheduleSpec), shown by DiffuseJobTest's refusal"));
  }

  /** corrupt: the corruption (operator, noise, mask rate, matrix, clean share) and the seed. */
  @Test
  void corrupt() {
    everyKeyReachesTheKernel("corrupt", CorruptConfig.class, c -> List.of(c.corruption(), c.seed()),
        List.of(Change.of("operator.mask_rate", "0.5"), Change.of("operator.sigma_y", "0.3"),
            Change.of("clean_fraction", "0.2"), Change.of("seed", "7"),
            Change.of("operator.type", "noise", "operator.mask_rate", "null", "operator.sigma_y", "0.3"),
            Change.of("operator.matrix", "[[1, 0, 0, 0, 0, 2]]", "operator.type", "linear", "operator.mask_rate",
                "null", "operator.matrix", "[[1, 0, 0, 0, 0, 1]]"),
            Change.of("operator.shape", "[1, 3, 2]", BLUR), Change.of("operator.kernel", "box", BLUR),
            Change.of("operator.size", "1", BLUR), Change.of("operator.blur_sigma", "2.0", BLUR),
            Change.of("operator.factor", "1", POOL),
            Change.of("operator.matrix_file", "src/test/resources/matrices/first3.csv", "operator.type", "linear",
                "operator.mask_rate", "null", "operator.matrix_file", "src/test/resources/matrices/sums.mtx")),
        pairs("input", "the clean table", "input_format", "how to read it", "output", "where to write", "format",
            "how to write", "mode", "whether to replace an existing output", "id_column",
            "which column keys the rows (the stage's argument; CorruptJobTest)", "columns",
            "which columns are measured (the stage's argument)", "keep_clean",
            "whether the clean values are written too (the stage's argument; CorruptJobTest)", "column_types",
            "how CSV columns are parsed (TableInput; SmoteJobTest)"));
  }

  /** mix: the mixture specification (strategy and its parameters, target, caps, exhaustion, seed, round). */
  @Test
  void mix() {
    String[] weights = {"strategy", "weights", "temperature", "null", "weights", "{books: 1, web: 2}"};
    String[] scores = {"strategy", "scores", "temperature", "null", "scores.path", "s.csv"};
    everyKeyReachesTheKernel("mix", MixConfig.class, MixConfig::spec,
        List.of(Change.of("strategy", "uniform", "temperature", "null"), Change.of("temperature", "3.0"),
            Change.of("weights", "{books: 1, web: 3}", weights), Change.of("scores.transform", "weights", scores),
            Change.of("scores.temperature", "2.0", scores), Change.of("target", "70"), Change.of("caps", "{web: 5}"),
            Change.of("exhausted", "with-replacement"), Change.of("round", "3"), Change.of("seed", "7")),
        pairs("input", "the table (the stage's argument; MixJobTest)", "input_format", "how to read it", "sources",
            "a table per source instead of input (MixJobTest)", "source_column", "the stage's argument (MixJobTest)",
            "id_column", "the stage's argument (MixJobTest)", "output", "where to write", "mode",
            "whether to replace an existing output", "exclude_previous",
            "which rows the stage sees (MixJobTest.aResumedRoundLeavesOutTheRowsOfEarlierRounds)",
            "scores.path", "the scores table (read by the stage)", "scores.format", "how to read it",
            "scores.source_column", "a column of the scores table", "scores.score_column", "a column of the scores table",
            "scores.round_column", "a column of the scores table", "column_types",
            "how CSV columns are parsed (TableInput; MixJobTest CSV layout)"));
  }

  private static final String[] BLUR = {"operator.type", "blur", "operator.mask_rate", "null", "operator.shape",
      "[1, 2, 3]"};
  private static final String[] POOL = {"operator.type", "downsample", "operator.mask_rate", "null", "operator.shape",
      "[1, 2, 2]", "columns", "[Age, DailyRate, DistanceFromHome, MonthlyIncome]", "operator.factor", "2"};
  private static final String[] POOL_PRIOR = {"operator.type", "downsample", "operator.shape", "[1, 2, 2]",
      "model.columns", "[Age, DailyRate, DistanceFromHome, MonthlyIncome]", "operator.factor", "2"};

  /** tds on a discrete VP schedule given by its keys (an exported prior's training schedule). */
  private static final String[] VP_TDS = {"sampler.name", "tds", "operator.sigma_y", "0.1", "schedule.type", "vp",
      "schedule.beta_end", "0.02"};

  /** posterior: the sampler settings (every sampler's keys under its own sampler.name) and the operator. */
  @Test
  void posterior() {
    String[] tds = {"sampler.name", "tds", "operator.sigma_y", "0.1"};
    String[] replace = {"sampler.name", "replace", "sampler.jumps", "3"};
    everyKeyReachesTheKernel("posterior", PosteriorConfig.class, c -> List.of(c.samplingSettings(), c.corruption(),
        c.rows()), List.of(Change.of("sampler.name", "dps"), Change.of("output_rows", "summary"), Change.of("sampler.particles", "32", tds),
            Change.of("sampler.ess_threshold", "0.3", tds), Change.of("sampler.twist_scale", "2.0", tds),
            Change.of("sampler.step_scale", "0.5", "sampler.name", "dps"),
            Change.of("sampler.jump_length", "5", replace), Change.of("sampler.jumps", "4", replace),
            Change.of("samples", "4"), Change.of("steps", "10"), Change.of("batch_size", "64"), Change.of("seed", "7"),
            Change.of("unobserved_rows", "fail"), Change.of("operator.sigma_y", "0.2"),
            Change.of("operator.type", "noise", "operator.sigma_y", "0.2"),
            Change.of("operator.matrix", "[[1, 0, 0, 0, 0, 2]]", "operator.type", "linear", "operator.matrix",
                "[[1, 0, 0, 0, 0, 1]]"),
            Change.of("operator.shape", "[1, 3, 2]", BLUR), Change.of("operator.kernel", "box", BLUR),
            Change.of("operator.size", "1", BLUR), Change.of("operator.blur_sigma", "2.0", BLUR),
            Change.of("operator.factor", "1", POOL_PRIOR),
            Change.of("operator.matrix_file", "src/test/resources/matrices/first3.csv", "operator.type", "linear",
                "operator.matrix_file", "src/test/resources/matrices/sums.mtx"),
            Change.of("schedule.type", "vp", tds), Change.of("schedule.sigma_min", "0.01", tds),
            Change.of("schedule.sigma_max", "50", tds), Change.of("schedule.rho", "5", tds),
            Change.of("schedule.beta_schedule", "scaled_linear", VP_TDS),
            Change.of("schedule.num_train_timesteps", "500", VP_TDS),
            Change.of("schedule.beta_start", "0.0002", VP_TDS), Change.of("schedule.beta_end", "0.03", VP_TDS)),
        pairs("input", "the measurement table", "input_format", "how to read it", "output", "where to write", "format",
            "how to write", "mode", "whether to replace an existing output", "id_column",
            "which column keys the rows (the stage's argument; PosteriorJobTest)", "sigma_y_column",
            "each row's noise level (the stage's argument; PosteriorJobTest.aPerRowNoiseColumnSetsEachRowsLikelihood)",
            "partitions",
            "Spark partitions (the samples do not depend on it: PosteriorJobTest)", "operator.mask_rate",
            "accepted and ignored: each row's mask is its observed flags (PosteriorJobTest)", "model",
            "the prior: diffuse's model block, gmm, gmm-fit or trained (shown by diffuse above; PosteriorJobTest)"));
  }

  /** train-denoiser: the trainer's settings and the seed. */
  @Test
  void trainDenoiser() {
    everyKeyReachesTheKernel("train-denoiser", TrainDenoiserConfig.class, c -> List.of(c.settings(), c.seed()),
        List.of(Change.of("hidden_layers", "2"), Change.of("hidden_width", "64"), Change.of("time_embedding_dim", "32"),
            Change.of("learning_rate", "0.01"), Change.of("lr_schedule", "constant"), Change.of("epochs", "5"),
            Change.of("batch_size", "64"), Change.of("beta_schedule", "scaled_linear"),
            Change.of("num_train_timesteps", "500"), Change.of("beta_start", "0.0002"), Change.of("beta_end", "0.03"),
            Change.of("seed", "7")),
        pairs("output", "where to write", "mode", "whether to replace an existing output", "input", "the table",
            "input_format", "how to read it", "columns", "which columns are collected (the stage's argument)",
            "categorical", "which columns are one-hot encoded (the stage's argument; DiffuseCategoricalJobTest)"));
  }

  private static Map<String, String> pairs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Map<String, String> notKernel(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }

  /**
   * Defaults stated once: a smote (gme) config with only the required keys gives the settings of the
   * Smote (GmeSelector) stage with only the same params set, and a generate config without sampler
   * keys gives the sampler builder's own defaults and the TextGenerator stage's generation and
   * n-gram model defaults.
   */
  @Test
  void defaultsAreTheKernelsOwn() {
    ObjectNode smote = ConfigLoader.tree(null, List.of());
    ConfigLoader.set(smote, "input", "in.parquet");
    ConfigLoader.set(smote, "output", "out");
    ConfigLoader.set(smote, "features", "[f0, f1]");
    assertEquals(json(new Smote().setFeatureCols("f0", "f1").settings()),
        json(ConfigLoader.bind(smote, SmoteJobConfig.class).settings()));

    ObjectNode generate = ConfigLoader.tree(null, List.of());
    ConfigLoader.set(generate, "input", "prompts.parquet");
    ConfigLoader.set(generate, "output", "out");
    assertEquals(json(SamplerSettings.builder().build()),
        json(ConfigLoader.bind(generate, GenerateJobConfig.class).sampler(List.of(), List.of())));
    JsonNode changed = ConfigLoader.json().valueToTree(ConfigLoader.bind(generate, GenerateJobConfig.class)
        .sampler(List.of(), List.of()));
    assertNotEquals(json(SamplerSettings.builder().topP(0.5).build()), changed.toString(), "the comparison can fail");
    assertEquals(json(new TextGenerator().generation(List.of())),
        json(ConfigLoader.bind(generate, GenerateJobConfig.class).generation(SamplerSettings.builder().build())),
        "generate: the TextGenerator stage's defaults");
    TextGenerator stage = new TextGenerator();
    GenerateJobConfig.ModelConfig model = ConfigLoader.bind(generate, GenerateJobConfig.class).model();
    assertEquals(List.of(model.type(), model.order(), model.corpus(), model.textColumn(), model.toySentences(),
            model.corpusSeed()),
        List.of(stage.getOrDefault(stage.modelType()), stage.getOrDefault(stage.ngramOrder()),
            stage.getOrDefault(stage.ngramCorpus()), stage.getOrDefault(stage.ngramTextCol()),
            stage.getOrDefault(stage.toySentences()), stage.getOrDefault(stage.corpusSeed())),
        "generate: the n-gram model's defaults");

    ObjectNode gme = ConfigLoader.tree(null, List.of());
    ConfigLoader.set(gme, "input", "in.parquet");
    ConfigLoader.set(gme, "output", "out");
    ConfigLoader.set(gme, "item", "doc");
    ConfigLoader.set(gme, "attributes", "[a, b]");
    ConfigLoader.set(gme, "n", "10");
    assertEquals(json(new GmeSelector().setItemCol("doc").setAttributeCols("a", "b").setN(10).settings()),
        json(ConfigLoader.bind(gme, GmeJobConfig.class).settings()), "gme: the GmeSelector stage's defaults");
  }

  /** coreset: every key but where to read and write reaches the CoresetSettings. */
  @Test
  void coreset() {
    everyKeyReachesTheKernel("coreset", CoresetJobConfig.class, CoresetJobConfig::settings, List.of(
        Change.of("features", "[f0, f1]"), Change.of("id_column", "id"), Change.of("method", "uniform"),
        Change.of("p", "1.5", "method", "lewis"), Change.of("m", "10"), Change.of("sampling", "with-replacement"),
        Change.of("seed", "7"), Change.of("lambda", "2.0", "method", "ridge-leverage", "lambda", "1.0"),
        Change.of("max_iterations", "5", "method", "lewis"), Change.of("tolerance", "1e-6", "method", "lewis"),
        Change.of("sketch", "countsketch"), Change.of("sketch_rows", "64", "sketch", "countsketch"),
        Change.of("sketch_check", "false", "sketch", "countsketch")),
        Map.of("input", "where to read", "input_format", "how to read", "output", "where to write",
            "mode", "whether to replace an existing output",
            "column_types", "how CSV columns are parsed (TableInput; SmoteJobTest)"));
  }
}
