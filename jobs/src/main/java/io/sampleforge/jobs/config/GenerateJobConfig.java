package io.sampleforge.jobs.config;

import io.sampleforge.decode.DecodingMode;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.ExportDirectory;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.NgramTraining;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The {@code generate} job's config (conf/jobs/generate.yaml documents every key), validated on
 * construction. Sampler keys use transformers' names and "off" values. With {@code model.type:
 * markov-chain} (conf/jobs/generate-mdm.yaml) the job samples by masked diffusion: the {@code
 * diffusion} block ({@link DiffusionConfig}) applies and the autoregressive sampler keys are refused
 * ({@link MarkovChainKeys}).
 */
public record GenerateJobConfig(String input, TableFormat inputFormat, String output, WriteMode mode, String idColumn,
    String promptColumn, ModelConfig model, String decoding, Double temperature, Integer topK, Double topP, Double minP,
    Double typicalP, Double epsilon, Double eta, Integer minTokensToKeep, Double repetitionPenalty, Boolean penalizePrompt,
    Double presencePenalty, Double frequencyPenalty, Integer noRepeatNgramSize, List<String> badWords,
    Integer minNewTokens, Integer samplesPerPrompt, Integer maxNewTokens, List<String> stop, Integer batchSize, Long seed,
    String onEmptyPrompt, Boolean toyGrammarMetric, String contextOverflow, List<String> rowOverrides,
    DiffusionConfig diffusion) implements JobTarget {

  /**
   * The model: {@code type: ngram} (built-in Kneser-Ney, trained by the job on {@code corpus}) or
   * {@code type: torchscript | onnx} (an exported model file at {@code path} with a Hugging Face
   * {@code tokenizer}; {@code cached} with {@code layers}, {@code heads}, {@code head_dim} selects
   * the incremental contract), or the same from {@code dir}, a folder written by
   * export_hf_causal_lm.py whose sampleforge.json supplies every key not set explicitly; or {@code
   * type: markov-chain} with {@code states}, {@code initial}, {@code transitions} and {@code length}
   * (the built-in exact model of masked-diffusion sampling; no files).
   */
  public record ModelConfig(String type, Integer order, String corpus, String textColumn, Integer toySentences,
      Long corpusSeed, String dir, String path, String tokenizer, Integer vocabSize, Integer bosId, List<Integer> eosIds,
      Boolean cached, Integer layers, Integer heads, Integer headDim, Integer context, List<String> states,
      List<Double> initial, List<List<Double>> transitions, Integer length, Integer maskId, Boolean logitsShift) {
    /** The built-in Markov chain of masked-diffusion sampling. */
    public static final String MARKOV_CHAIN = "markov-chain";

    public ModelConfig {
      type = type == null ? "ngram" : type.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (type.equals(MARKOV_CHAIN)) {
        MarkovChainKeys.requireOnlyChainKeys(order, corpus, textColumn, toySentences, corpusSeed, dir, path, tokenizer,
            vocabSize, bosId, eosIds, cached, layers, heads, headDim, context, maskId, logitsShift);
        MarkovChainKeys.model(states, initial, transitions, length); // validates model.states .. model.length
      } else if (states != null || initial != null || transitions != null) {
        throw ConfigException.of("model.type/model.states/model.initial/model.transitions",
            "must be markov-chain when model.states, model.initial or model.transitions is set", "'" + type + "'");
      }
      if (type.equals(MARKOV_CHAIN)) {
        // no n-gram or exported-model keys apply
      } else if (!type.equals("ngram")) {
        ModelFormat.parse("model.type", type); // ngram, torchscript or onnx
      } else if (dir != null || path != null || tokenizer != null) {
        throw ConfigException.of("model.type/model.dir/model.path/model.tokenizer", "must be torchscript or onnx when model.dir, model.path or "
            + "model.tokenizer is set (the default is the built-in ngram model)", "'" + type + "'");
      }
      order = order == null ? NgramTraining.Defaults.ORDER : order;
      corpus = corpus == null ? NgramTraining.Defaults.TOY_CORPUS : corpus;
      textColumn = textColumn == null ? NgramTraining.Defaults.TEXT_COLUMN : textColumn;
      toySentences = toySentences == null ? NgramTraining.Defaults.TOY_SENTENCES : toySentences;
      corpusSeed = corpusSeed == null ? NgramTraining.Defaults.CORPUS_SEED : corpusSeed;
      if (order < 1 || order > 10) {
        throw ConfigException.of("model.order", "must be between 1 and 10", order);
      }
      if (toySentences < 1) {
        throw ConfigException.of("model.toy_sentences", "must be >= 1", toySentences);
      }
      eosIds = eosIds == null ? null : List.copyOf(eosIds);
      cached = cached != null && cached;
      if (context != null && context < 0) {
        throw ConfigException.of("model.context", "must be >= 0 (0 = unlimited)", context);
      }
      if (!type.equals("ngram") && !type.equals(MARKOV_CHAIN) && dir == null) {
        if (path == null || tokenizer == null || vocabSize == null) {
          throw ConfigException.of("model", type + " needs dir, or path, tokenizer and vocab_size",
              "path=" + path + ", tokenizer=" + tokenizer + ", vocab_size=" + vocabSize);
        }
        if (cached && (layers == null || heads == null || headDim == null)) {
          throw ConfigException.of("model.cached", "needs layers, heads and head_dim (the cache geometry)",
              "layers=" + layers + ", heads=" + heads + ", head_dim=" + headDim);
        }
      }
    }

    /** Whether this is a masked-diffusion model (model.type markov-chain). */
    public boolean maskedDiffusion() {
      return type.equals(MARKOV_CHAIN);
    }

    /** The Markov-chain model (model.type markov-chain only). */
    public io.sampleforge.spark.text.MarkovChainModel markovChain() {
      return MarkovChainKeys.model(states, initial, transitions, length);
    }

    /** The exported-model format of {@code type} (not for ngram). */
    public ModelFormat format() {
      return ModelFormat.parse("model.type", type);
    }

    /**
     * The explicit keys completed from {@code dir}'s sampleforge.json (explicit keys win); the
     * model file is the one of this format and contract in {@code dir} unless {@code path} is set.
     */
    public ModelConfig resolved(io.sampleforge.model.ModelFiles files) {
      if (dir == null) {
        return this;
      }
      ExportDirectory d = ExportDirectory.read(dir, files);
      return new ModelConfig(type, order, corpus, textColumn, toySentences, corpusSeed, dir,
          path != null ? path : d.modelFile(format(), cached),
          tokenizer != null ? tokenizer : d.tokenizer(), vocabSize != null ? vocabSize : d.vocabSize(),
          bosId != null ? bosId : d.bosId(), eosIds != null ? eosIds : d.eosIds(), cached,
          layers != null ? layers : d.layers(), heads != null ? heads : d.heads(), headDim != null ? headDim : d.headDim(),
          context != null ? context : d.context(), states, initial, transitions, length, maskId, logitsShift);
    }

    public int bosOrNone() {
      return bosId == null ? -1 : bosId;
    }

    public List<Integer> eosOrNone() {
      return eosIds == null ? List.of() : eosIds;
    }

    public int contextOrUnlimited() {
      return context == null ? 0 : context;
    }

    /** The cache geometry of a cached exported model, else null. */
    public long[] cacheGeometry() {
      return cached ? new long[] {layers, heads, headDim} : null;
    }
  }

  public GenerateJobConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name a Parquet or CSV prompt table", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    idColumn = idColumn == null ? "id" : idColumn;
    promptColumn = promptColumn == null ? "prompt" : promptColumn;
    model = model == null ? new ModelConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null) : model;
    if (diffusion != null && model.type().equals("ngram")) {
      throw ConfigException.of("diffusion/model.type", "applies to masked-diffusion models only (model.type "
          + ModelConfig.MARKOV_CHAIN + ", or torchscript or onnx with model.mask_id and model.length)", "model.type '"
          + model.type() + "'");
    }
    if (!model.maskedDiffusion() && diffusion != null) {
      MaskedModelKeys.requireMaskedKeys(model);
    } else if (!model.maskedDiffusion() && (model.maskId() != null || model.length() != null
        || model.logitsShift() != null)) {
      throw ConfigException.of("diffusion/model.mask_id/model.length/model.logits_shift", "apply to masked-diffusion "
          + "sampling: add a diffusion: block (e.g. diffusion.sampler: first-hitting) to sample a masked LM",
          "model.mask_id=" + model.maskId() + ", model.length=" + model.length() + ", model.logits_shift="
          + model.logitsShift());
    }
    if (model.maskedDiffusion() || diffusion != null) {
      MarkovChainKeys.requireNoAutoregressiveKeys(decoding, temperature, topK, topP, minP, typicalP, epsilon, eta,
          minTokensToKeep, repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize,
          badWords, minNewTokens, maxNewTokens, stop, contextOverflow, rowOverrides,
          model.maskedDiffusion() ? toyGrammarMetric : null);
      diffusion = diffusion == null ? DiffusionConfig.defaults() : diffusion;
      if (diffusion.kvCache() != null && diffusion.kernel() instanceof io.sampleforge.spark.text.DiffusionKernel.Parallel p
          && p.kvCache() != io.sampleforge.diffusion.discrete.CacheMode.NONE && !model.cached()) {
        throw ConfigException.of("diffusion.kv_cache", "needs a model exported under the cached masked contract "
            + "(model.type torchscript with model.cached: true and model.layers/heads/head_dim)", p.kvCache().id());
      }
    }
    contextOverflow = contextOverflow == null ? "error" : contextOverflow;
    rowOverrides = rowOverrides == null ? List.of() : List.copyOf(rowOverrides);
    for (String o : rowOverrides) {
      SamplerSettings.requireRowOverridable(o);
    }
    io.sampleforge.decode.ContextOverflow.parse(contextOverflow);
    badWords = badWords == null ? List.of() : List.copyOf(badWords);
    samplesPerPrompt = samplesPerPrompt == null ? GenerationSettings.Defaults.SAMPLES_PER_PROMPT : samplesPerPrompt;
    maxNewTokens = maxNewTokens == null ? GenerationSettings.Defaults.MAX_NEW_TOKENS : maxNewTokens;
    stop = stop == null ? List.of() : List.copyOf(stop);
    batchSize = batchSize == null ? GenerationSettings.Defaults.BATCH_SIZE : batchSize;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    onEmptyPrompt = onEmptyPrompt == null ? "error" : onEmptyPrompt.trim().toLowerCase(Locale.ROOT);
    toyGrammarMetric = toyGrammarMetric != null ? toyGrammarMetric
        : diffusion == null && model.type().equals("ngram") && model.corpus().equals("toy");
    if (!onEmptyPrompt.equals("error") && !onEmptyPrompt.equals("skip")) {
      throw ConfigException.of("on_empty_prompt", "must be error or skip", "'" + onEmptyPrompt + "'");
    }
    new GenerationSettings(samplerOf(decoding, temperature, topK, topP, minP, typicalP, epsilon, eta, minTokensToKeep,
        repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize, minNewTokens, List.of(),
        List.of()), samplesPerPrompt, maxNewTokens, stop, batchSize, seed);
  }

  /** Sampler settings once the vocabulary resolves bad words and EOS. */
  public SamplerSettings sampler(List<Integer> badTokenIds, List<Integer> eosTokenIds) {
    return samplerOf(decoding, temperature, topK, topP, minP, typicalP, epsilon, eta, minTokensToKeep, repetitionPenalty,
        penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize, minNewTokens, badTokenIds, eosTokenIds);
  }

  private static SamplerSettings samplerOf(String decoding, Double temperature, Integer topK, Double topP, Double minP,
      Double typicalP, Double epsilon, Double eta, Integer minTokensToKeep, Double repetitionPenalty,
      Boolean penalizePrompt, Double presencePenalty, Double frequencyPenalty, Integer noRepeatNgramSize,
      Integer minNewTokens, List<Integer> badTokenIds, List<Integer> eosTokenIds) {
    // a key left out keeps SamplerSettings.Builder's default (transformers' "off" values): the one place they are stated
    SamplerSettings.Builder b = SamplerSettings.builder();
    if (decoding != null) b.mode(DecodingMode.parse(decoding));
    if (temperature != null) b.temperature(temperature);
    if (topK != null) b.topK(topK);
    if (topP != null) b.topP(topP);
    if (minP != null) b.minP(minP);
    if (typicalP != null) b.typicalP(typicalP);
    if (epsilon != null) b.epsilon(epsilon);
    if (eta != null) b.eta(eta);
    if (minTokensToKeep != null) b.minTokensToKeep(minTokensToKeep);
    if (repetitionPenalty != null) b.repetitionPenalty(repetitionPenalty);
    if (penalizePrompt != null) b.penalizePrompt(penalizePrompt);
    if (presencePenalty != null) b.presencePenalty(presencePenalty);
    if (frequencyPenalty != null) b.frequencyPenalty(frequencyPenalty);
    if (noRepeatNgramSize != null) b.noRepeatNgramSize(noRepeatNgramSize);
    if (minNewTokens != null) b.minNewTokens(minNewTokens);
    return b.badTokenIds(badTokenIds).eosTokenIds(eosTokenIds).build();
  }

  public GenerationSettings generation(SamplerSettings sampler) {
    return new GenerationSettings(sampler, samplesPerPrompt, maxNewTokens, stop, batchSize, seed);
  }

  /**
   * Whether the job samples by masked diffusion: model.type markov-chain, or an exported masked LM
   * with a {@code diffusion:} block.
   */
  public boolean maskedDiffusion() {
    return diffusion != null;
  }

  /**
   * The masked-diffusion model: the Markov chain of the config, or the exported masked LM, whose files
   * are checked here (one forward on the CPU); {@code files} fetches Hadoop URIs.
   */
  public io.sampleforge.spark.text.MaskedModelSpec maskedModel(io.sampleforge.model.ModelFiles files) {
    if (model.maskedDiffusion()) {
      return model.markovChain();
    }
    return io.sampleforge.spark.text.ExportedMaskedModel.of(model.format(), files, model.path(), model.tokenizer(),
        model.vocabSize(), model.maskId(), model.bosOrNone(), model.eosOrNone(), model.length(),
        Boolean.TRUE.equals(model.logitsShift()), model.cached()
            ? new io.sampleforge.model.KvGeometry(model.layers(), model.heads(), model.headDim()) : null);
  }

  /** The masked-diffusion settings of the Spark stage (masked-diffusion sampling only). */
  public io.sampleforge.spark.text.MaskedDiffusionSettings diffusionSettings() {
    return new io.sampleforge.spark.text.MaskedDiffusionSettings(diffusion.kernel(), samplesPerPrompt, batchSize,
        seed);
  }

  /** The prompt table, and the model's files or training corpus. */
  @Override
  public Map<String, String> inputLocations() {
    Map<String, String> in = new java.util.LinkedHashMap<>();
    in.put("input", input);
    if (model.maskedDiffusion()) {
      return in; // the chain is given in the config
    }
    if (diffusion != null) {
      in.put("model.path", model.path());
      in.put("model.tokenizer", model.tokenizer());
      return in;
    }
    if (model.type().equals("ngram")) {
      if (!model.corpus().equals("toy")) {
        in.put("model.corpus", model.corpus());
      }
    } else {
      in.put("model.dir", model.dir());
      in.put("model.path", model.path());
      in.put("model.tokenizer", model.tokenizer());
    }
    return in;
  }
}
