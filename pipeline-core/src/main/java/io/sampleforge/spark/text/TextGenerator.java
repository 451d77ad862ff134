package io.sampleforge.spark.text;

import io.sampleforge.decode.ContextOverflow;
import io.sampleforge.decode.DecodingMode;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.model.BannedTokens;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.ModelSpec;
import io.sampleforge.model.NgramTraining;
import io.sampleforge.random.Seeds;
import io.sampleforge.spark.common.ParamRule;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Text generation as a Spark ML stage: for every prompt row, {@code samplesPerPrompt} completions
 * drawn from a causal language model under Hugging Face transformers' sampler semantics (see
 * {@link io.sampleforge.decode.NextTokenSampler}); the plan is {@link TextGeneration}'s. Output:
 * one row per (prompt, sample) with the id column and {@link TextGeneration#OUTPUT}
 * ({@code sample_index, completion, token_count, finish_reason, logprob_sum, sampler, model,
 * seed}); other input columns are not carried (join on the id to get them). Completions are a
 * function of (prompt, id, params, seed, model) only: batch size, partitioning and cores never
 * change them.
 *
 * <p>The model ({@code modelType}): {@code ngram}, the built-in Kneser-Ney model trained on the
 * driver on the toy grammar ({@code ngramCorpus=toy}) or on a text column of a table; or
 * {@code torchscript}/{@code onnx}, an exported model run through DJL, from an export folder
 * ({@code modelDir}) or from {@code modelPath}, {@code tokenizerPath} and {@code vocabSize}
 * (explicit values win over the folder's sampleforge.json). A saved stage holds these paths as
 * params: the model file is referenced, not embedded, so it must still exist where the loaded
 * stage runs. The model is built once per stage instance and params (trained or loaded and
 * validated on the driver), then broadcast.
 *
 * <p>{@link #transform} is lazy in the generation itself (it runs when an action reads the
 * result, and again at every action, the same rows) but checks the prompts at once: one count of
 * null ids, one of empty prompts, with a context limit one tokenizer pass, and per row override
 * one distinct-values query. Nothing is cached; the model's broadcast lives as long as the
 * returned DataFrame (Spark's cleaner frees it once that is garbage). Cost: the model calls, one
 * pass over the prompts.
 *
 * <p>Params are checked at {@code set} time by the kernel's own rules ({@link SamplerSettings},
 * {@link GenerationSettings}, {@link ContextOverflow}) or Spark's {@code ParamValidators}, with
 * messages naming the param, the rule and the value. Persistence: {@code DefaultParamsWritable}
 * with {@link #read}/{@link #load}.
 */
public final class TextGenerator extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LogManager.getLogger(TextGenerator.class);

  private final String uid;
  private final Param<String> idCol;
  private final Param<String> promptCol;
  private final Param<String> modelType;
  private final IntParam ngramOrder;
  private final Param<String> ngramCorpus;
  private final Param<String> ngramTextCol;
  private final IntParam toySentences;
  private final LongParam corpusSeed;
  private final Param<String> modelDir;
  private final Param<String> modelPath;
  private final Param<String> tokenizerPath;
  private final IntParam vocabSize;
  private final IntParam bosId;
  private final IntArrayParam eosIds;
  private final BooleanParam cached;
  private final IntParam layers;
  private final IntParam heads;
  private final IntParam headDim;
  private final IntParam context;
  private final Param<String> decoding;
  private final DoubleParam temperature;
  private final IntParam topK;
  private final DoubleParam topP;
  private final DoubleParam minP;
  private final DoubleParam typicalP;
  private final DoubleParam epsilon;
  private final DoubleParam eta;
  private final IntParam minTokensToKeep;
  private final DoubleParam repetitionPenalty;
  private final BooleanParam penalizePrompt;
  private final DoubleParam presencePenalty;
  private final DoubleParam frequencyPenalty;
  private final IntParam noRepeatNgramSize;
  private final IntParam minNewTokens;
  private final StringArrayParam badWords;
  private final IntParam samplesPerPrompt;
  private final IntParam maxNewTokens;
  private final StringArrayParam stop;
  private final IntParam batchSize;
  private final LongParam seed;
  private final Param<String> onEmptyPrompt;
  private final Param<String> contextOverflow;
  private final StringArrayParam rowOverrides;

  private transient ModelChoice builtFor;
  private transient ModelSpec built;

  public TextGenerator() {
    this(Identifiable$.MODULE$.randomUID("textGenerator"));
  }

  public TextGenerator(String uid) {
    this.uid = uid;
    ParamRule.Check<String> named = v -> v != null && !v.isBlank();
    idCol = new Param<>(this, "idCol", "prompt id column (keys every random draw)", ParamRule.of("idCol", "must name a column", named));
    promptCol = new Param<>(this, "promptCol", "prompt text column", ParamRule.of("promptCol", "must name a column", named));
    modelType = new Param<>(this, "modelType", "ngram (built-in, trained on the driver) | torchscript | onnx",
        ParamRule.<String>parsedBy("modelType", v -> v.equals(ModelChoice.NGRAM) || ModelFormat.parse("modelType", v) != null));
    ngramOrder = new IntParam(this, "ngramOrder", "ngram: the model's order",
        ParamRule.spark("ngramOrder", "must be between 1 and 10", ParamValidators.inRange(1, 10)));
    ngramCorpus = new Param<>(this, "ngramCorpus", "ngram: 'toy' (the toy grammar) or a table path (.csv/.tsv/.json/.jsonl, else Parquet)",
        ParamRule.of("ngramCorpus", "must be 'toy' or a table path", named));
    ngramTextCol = new Param<>(this, "ngramTextCol", "ngram: the corpus table's text column",
        ParamRule.of("ngramTextCol", "must name a column", named));
    toySentences = new IntParam(this, "toySentences", "ngram on the toy grammar: training sentences",
        ParamRule.spark("toySentences", "must be >= 1", ParamValidators.gtEq(1)));
    corpusSeed = new LongParam(this, "corpusSeed", "ngram on the toy grammar: seed of the training sentences");
    modelDir = new Param<>(this, "modelDir", "exported model: folder written by export_hf_causal_lm.py (referenced, not embedded)",
        ParamRule.of("modelDir", "must name a folder", named));
    modelPath = new Param<>(this, "modelPath", "exported model: the model file (referenced, not embedded)",
        ParamRule.of("modelPath", "must name a file", named));
    tokenizerPath = new Param<>(this, "tokenizerPath", "exported model: tokenizer.json (referenced, not embedded)",
        ParamRule.of("tokenizerPath", "must name a file", named));
    vocabSize = new IntParam(this, "vocabSize", "exported model: vocabulary size",
        ParamRule.spark("vocabSize", "must be >= 1", ParamValidators.gtEq(1)));
    bosId = new IntParam(this, "bosId", "exported model: id prepended to every prompt (-1: none)",
        ParamRule.spark("bosId", "must be a token id or -1 (none)", ParamValidators.gtEq(-1)));
    eosIds = new IntArrayParam(this, "eosIds", "exported model: end-of-sequence ids",
        ParamRule.<int[]>of("eosIds", "must hold non-negative token ids", v -> Arrays.stream(v).allMatch(i -> i >= 0)));
    cached = new BooleanParam(this, "cached", "exported model: the incremental (key/value cache) contract");
    layers = new IntParam(this, "layers", "cached contract: layers",
        ParamRule.spark("layers", "must be >= 1", ParamValidators.gtEq(1)));
    heads = new IntParam(this, "heads", "cached contract: key/value heads",
        ParamRule.spark("heads", "must be >= 1", ParamValidators.gtEq(1)));
    headDim = new IntParam(this, "headDim", "cached contract: head dimension",
        ParamRule.spark("headDim", "must be >= 1", ParamValidators.gtEq(1)));
    context = new IntParam(this, "context", "exported model: longest sequence in tokens (0: unlimited)",
        ParamRule.spark("context", "must be >= 0 (0 = unlimited)", ParamValidators.gtEq(0)));
    // each sampler value is checked by SamplerSettings' own rule (transformers' ranges), stated there once
    decoding = new Param<>(this, "decoding", "sample | greedy",
        ParamRule.<String>parsedBy("decoding", v -> DecodingMode.parse(v) != null));
    temperature = new DoubleParam(this, "temperature", "softmax temperature (> 0)",
        ParamRule.parsedDouble("temperature", v -> SamplerSettings.builder().temperature(v).build() != null));
    topK = new IntParam(this, "topK", "keep the k most likely tokens (0: off)",
        ParamRule.parsedInt("topK", v -> SamplerSettings.builder().topK(v).build() != null));
    topP = new DoubleParam(this, "topP", "nucleus mass (1: off)",
        ParamRule.parsedDouble("topP", v -> SamplerSettings.builder().topP(v).build() != null));
    minP = new DoubleParam(this, "minP", "min-p relative to the top token (0: off)",
        ParamRule.parsedDouble("minP", v -> SamplerSettings.builder().minP(v).build() != null));
    typicalP = new DoubleParam(this, "typicalP", "locally typical mass (1: off)",
        ParamRule.parsedDouble("typicalP", v -> SamplerSettings.builder().typicalP(v).build() != null));
    epsilon = new DoubleParam(this, "epsilon", "epsilon sampling cut (0: off)",
        ParamRule.parsedDouble("epsilon", v -> SamplerSettings.builder().epsilon(v).build() != null));
    eta = new DoubleParam(this, "eta", "eta sampling cut (0: off)",
        ParamRule.parsedDouble("eta", v -> SamplerSettings.builder().eta(v).build() != null));
    minTokensToKeep = new IntParam(this, "minTokensToKeep", "tokens every warper keeps (>= 1)",
        ParamRule.parsedInt("minTokensToKeep", v -> SamplerSettings.builder().minTokensToKeep(v).build() != null));
    repetitionPenalty = new DoubleParam(this, "repetitionPenalty", "CTRL repetition penalty (1: off)",
        ParamRule.parsedDouble("repetitionPenalty", v -> SamplerSettings.builder().repetitionPenalty(v).build() != null));
    penalizePrompt = new BooleanParam(this, "penalizePrompt", "the repetition penalty counts prompt tokens");
    presencePenalty = new DoubleParam(this, "presencePenalty", "vLLM presence penalty (0: off)",
        ParamRule.parsedDouble("presencePenalty", v -> SamplerSettings.builder().presencePenalty(v).build() != null));
    frequencyPenalty = new DoubleParam(this, "frequencyPenalty", "vLLM frequency penalty (0: off)",
        ParamRule.parsedDouble("frequencyPenalty", v -> SamplerSettings.builder().frequencyPenalty(v).build() != null));
    noRepeatNgramSize = new IntParam(this, "noRepeatNgramSize", "ban repeating n-grams of this size (0: off)",
        ParamRule.parsedInt("noRepeatNgramSize", v -> SamplerSettings.builder().noRepeatNgramSize(v).build() != null));
    minNewTokens = new IntParam(this, "minNewTokens", "EOS banned before this many new tokens",
        ParamRule.parsedInt("minNewTokens", v -> SamplerSettings.builder().minNewTokens(v).build() != null));
    badWords = new StringArrayParam(this, "badWords", "words never generated (single tokens of the model's tokenizer)");
    samplesPerPrompt = new IntParam(this, "samplesPerPrompt", "completions per prompt",
        ParamRule.parsedInt("samplesPerPrompt", v -> generation(v, 1, List.of(), 1)));
    maxNewTokens = new IntParam(this, "maxNewTokens", "new-token limit per completion",
        ParamRule.parsedInt("maxNewTokens", v -> generation(1, v, List.of(), 1)));
    stop = new StringArrayParam(this, "stop", "stop strings (a completion ends before the first one)",
        ParamRule.<String[]>parsedBy("stop", v -> generation(1, 1, Arrays.asList(v), 1)));
    batchSize = new IntParam(this, "batchSize", "rows decoded together (never changes the output)",
        ParamRule.parsedInt("batchSize", v -> generation(1, 1, List.of(), v)));
    seed = new LongParam(this, "seed", "seed of every keyed draw");
    onEmptyPrompt = new Param<>(this, "onEmptyPrompt", "null or blank prompts: error | skip",
        ParamRule.spark("onEmptyPrompt", "must be error or skip", ParamValidators.inArray(List.of("error", "skip"))));
    contextOverflow = new Param<>(this, "contextOverflow", "prompts longer than the context: error | truncate-left",
        ParamRule.<String>parsedBy("contextOverflow", v -> ContextOverflow.parse(v) != null));
    rowOverrides = new StringArrayParam(this, "rowOverrides", "sampler keys read per row from prompt columns of the same name",
        ParamRule.<String[]>parsedBy("rowOverrides", v -> Arrays.stream(v).allMatch(o -> SamplerSettings.requireRowOverridable(o) != null)));
    setDefault(idCol, "id");
    setDefault(promptCol, "prompt");
    setDefault(modelType, ModelChoice.NGRAM);
    setDefault(ngramOrder, NgramTraining.Defaults.ORDER);
    setDefault(ngramCorpus, NgramTraining.Defaults.TOY_CORPUS);
    setDefault(ngramTextCol, NgramTraining.Defaults.TEXT_COLUMN);
    setDefault(toySentences, NgramTraining.Defaults.TOY_SENTENCES);
    setDefault(corpusSeed, NgramTraining.Defaults.CORPUS_SEED);
    setDefault(cached, false);
    SamplerSettings d = SamplerSettings.defaults();
    setDefault(decoding, d.mode().name().toLowerCase(Locale.ROOT));
    setDefault(temperature, d.temperature());
    setDefault(topK, d.topK());
    setDefault(topP, d.topP());
    setDefault(minP, d.minP());
    setDefault(typicalP, d.typicalP());
    setDefault(epsilon, d.epsilon());
    setDefault(eta, d.eta());
    setDefault(minTokensToKeep, d.minTokensToKeep());
    setDefault(repetitionPenalty, d.repetitionPenalty());
    setDefault(penalizePrompt, d.penalizePrompt());
    setDefault(presencePenalty, d.presencePenalty());
    setDefault(frequencyPenalty, d.frequencyPenalty());
    setDefault(noRepeatNgramSize, d.noRepeatNgramSize());
    setDefault(minNewTokens, d.minNewTokens());
    setDefault(badWords, new String[0]);
    setDefault(samplesPerPrompt, GenerationSettings.Defaults.SAMPLES_PER_PROMPT);
    setDefault(maxNewTokens, GenerationSettings.Defaults.MAX_NEW_TOKENS);
    setDefault(stop, new String[0]);
    setDefault(batchSize, GenerationSettings.Defaults.BATCH_SIZE);
    setDefault(seed, Seeds.DEFAULT);
    setDefault(onEmptyPrompt, "error");
    setDefault(contextOverflow, "error");
    setDefault(rowOverrides, new String[0]);
  }

  private static boolean generation(int samples, int maxNew, List<String> stops, int batch) {
    return new GenerationSettings(SamplerSettings.defaults(), samples, maxNew, stops, batch, 0) != null;
  }

  public Param<String> idCol() { return idCol; }
  public Param<String> promptCol() { return promptCol; }
  public Param<String> modelType() { return modelType; }
  public IntParam ngramOrder() { return ngramOrder; }
  public Param<String> ngramCorpus() { return ngramCorpus; }
  public Param<String> ngramTextCol() { return ngramTextCol; }
  public IntParam toySentences() { return toySentences; }
  public LongParam corpusSeed() { return corpusSeed; }
  public Param<String> modelDir() { return modelDir; }
  public Param<String> modelPath() { return modelPath; }
  public Param<String> tokenizerPath() { return tokenizerPath; }
  public IntParam vocabSize() { return vocabSize; }
  public IntParam bosId() { return bosId; }
  public IntArrayParam eosIds() { return eosIds; }
  public BooleanParam cached() { return cached; }
  public IntParam layers() { return layers; }
  public IntParam heads() { return heads; }
  public IntParam headDim() { return headDim; }
  public IntParam context() { return context; }
  public Param<String> decoding() { return decoding; }
  public DoubleParam temperature() { return temperature; }
  public IntParam topK() { return topK; }
  public DoubleParam topP() { return topP; }
  public DoubleParam minP() { return minP; }
  public DoubleParam typicalP() { return typicalP; }
  public DoubleParam epsilon() { return epsilon; }
  public DoubleParam eta() { return eta; }
  public IntParam minTokensToKeep() { return minTokensToKeep; }
  public DoubleParam repetitionPenalty() { return repetitionPenalty; }
  public BooleanParam penalizePrompt() { return penalizePrompt; }
  public DoubleParam presencePenalty() { return presencePenalty; }
  public DoubleParam frequencyPenalty() { return frequencyPenalty; }
  public IntParam noRepeatNgramSize() { return noRepeatNgramSize; }
  public IntParam minNewTokens() { return minNewTokens; }
  public StringArrayParam badWords() { return badWords; }
  public IntParam samplesPerPrompt() { return samplesPerPrompt; }
  public IntParam maxNewTokens() { return maxNewTokens; }
  public StringArrayParam stop() { return stop; }
  public IntParam batchSize() { return batchSize; }
  public LongParam seed() { return seed; }
  public Param<String> onEmptyPrompt() { return onEmptyPrompt; }
  public Param<String> contextOverflow() { return contextOverflow; }
  public StringArrayParam rowOverrides() { return rowOverrides; }

  public TextGenerator setIdCol(String v) { set(idCol, v); return this; }
  public TextGenerator setPromptCol(String v) { set(promptCol, v); return this; }
  public TextGenerator setModelType(String v) { set(modelType, v.trim().toLowerCase(Locale.ROOT)); return this; }
  public TextGenerator setNgramOrder(int v) { set(ngramOrder, v); return this; }
  public TextGenerator setNgramCorpus(String v) { set(ngramCorpus, v); return this; }
  public TextGenerator setNgramTextCol(String v) { set(ngramTextCol, v); return this; }
  public TextGenerator setToySentences(int v) { set(toySentences, v); return this; }
  public TextGenerator setCorpusSeed(long v) { set(corpusSeed, v); return this; }
  public TextGenerator setModelDir(String v) { set(modelDir, v); return this; }
  public TextGenerator setModelPath(String v) { set(modelPath, v); return this; }
  public TextGenerator setTokenizerPath(String v) { set(tokenizerPath, v); return this; }
  public TextGenerator setVocabSize(int v) { set(vocabSize, v); return this; }
  public TextGenerator setBosId(int v) { set(bosId, v); return this; }
  public TextGenerator setEosIds(int... v) { set(eosIds, v); return this; }
  public TextGenerator setCached(boolean v) { set(cached, v); return this; }
  public TextGenerator setLayers(int v) { set(layers, v); return this; }
  public TextGenerator setHeads(int v) { set(heads, v); return this; }
  public TextGenerator setHeadDim(int v) { set(headDim, v); return this; }
  public TextGenerator setContext(int v) { set(context, v); return this; }
  public TextGenerator setDecoding(String v) { set(decoding, v); return this; }
  public TextGenerator setTemperature(double v) { set(temperature, v); return this; }
  public TextGenerator setTopK(int v) { set(topK, v); return this; }
  public TextGenerator setTopP(double v) { set(topP, v); return this; }
  public TextGenerator setMinP(double v) { set(minP, v); return this; }
  public TextGenerator setTypicalP(double v) { set(typicalP, v); return this; }
  public TextGenerator setEpsilon(double v) { set(epsilon, v); return this; }
  public TextGenerator setEta(double v) { set(eta, v); return this; }
  public TextGenerator setMinTokensToKeep(int v) { set(minTokensToKeep, v); return this; }
  public TextGenerator setRepetitionPenalty(double v) { set(repetitionPenalty, v); return this; }
  public TextGenerator setPenalizePrompt(boolean v) { set(penalizePrompt, v); return this; }
  public TextGenerator setPresencePenalty(double v) { set(presencePenalty, v); return this; }
  public TextGenerator setFrequencyPenalty(double v) { set(frequencyPenalty, v); return this; }
  public TextGenerator setNoRepeatNgramSize(int v) { set(noRepeatNgramSize, v); return this; }
  public TextGenerator setMinNewTokens(int v) { set(minNewTokens, v); return this; }
  public TextGenerator setBadWords(String... v) { set(badWords, v); return this; }
  public TextGenerator setSamplesPerPrompt(int v) { set(samplesPerPrompt, v); return this; }
  public TextGenerator setMaxNewTokens(int v) { set(maxNewTokens, v); return this; }
  public TextGenerator setStop(String... v) { set(stop, v); return this; }
  public TextGenerator setBatchSize(int v) { set(batchSize, v); return this; }
  public TextGenerator setSeed(long v) { set(seed, v); return this; }
  public TextGenerator setOnEmptyPrompt(String v) { set(onEmptyPrompt, v); return this; }
  public TextGenerator setContextOverflow(String v) { set(contextOverflow, v); return this; }
  public TextGenerator setRowOverrides(String... v) { set(rowOverrides, v); return this; }

  /** Spark ML persistence: {@code TextGenerator.load(path)} reads what {@code save(path)} (or a saved Pipeline) wrote. */
  public static MLReader<TextGenerator> read() {
    return new DefaultParamsReader<>();
  }

  public static TextGenerator load(String path) {
    return read().load(path);
  }

  /** The validated generation settings with the given banned token ids (the model's bad words). */
  public GenerationSettings generation(List<Integer> badTokenIds) {
    SamplerSettings sampler = SamplerSettings.builder().mode(DecodingMode.parse(getOrDefault(decoding)))
        .temperature((Double) getOrDefault(temperature)).topK((Integer) getOrDefault(topK)).topP((Double) getOrDefault(topP))
        .minP((Double) getOrDefault(minP)).typicalP((Double) getOrDefault(typicalP)).epsilon((Double) getOrDefault(epsilon))
        .eta((Double) getOrDefault(eta)).minTokensToKeep((Integer) getOrDefault(minTokensToKeep))
        .repetitionPenalty((Double) getOrDefault(repetitionPenalty)).penalizePrompt((Boolean) getOrDefault(penalizePrompt))
        .presencePenalty((Double) getOrDefault(presencePenalty)).frequencyPenalty((Double) getOrDefault(frequencyPenalty))
        .noRepeatNgramSize((Integer) getOrDefault(noRepeatNgramSize)).minNewTokens((Integer) getOrDefault(minNewTokens))
        .badTokenIds(badTokenIds).build();
    return new GenerationSettings(sampler, (Integer) getOrDefault(samplesPerPrompt),
        (Integer) getOrDefault(maxNewTokens), Arrays.asList(getOrDefault(stop)), (Integer) getOrDefault(batchSize),
        (Long) getOrDefault(seed));
  }

  /** Which model the params name (unset fields null). */
  ModelChoice modelChoice() {
    List<Integer> eos = isDefined(eosIds) ? Arrays.stream(getOrDefault(eosIds)).boxed().toList() : null;
    return new ModelChoice(getOrDefault(modelType), (Integer) getOrDefault(ngramOrder), getOrDefault(ngramCorpus),
        getOrDefault(ngramTextCol), (Integer) getOrDefault(toySentences), (Long) getOrDefault(corpusSeed),
        orNull(modelDir), orNull(modelPath), orNull(tokenizerPath), orInt(vocabSize), orInt(bosId), eos,
        (Boolean) getOrDefault(cached), orInt(layers), orInt(heads), orInt(headDim), orInt(context));
  }

  private <T> T orNull(Param<T> p) {
    return isDefined(p) ? getOrDefault(p) : null;
  }

  private Integer orInt(IntParam p) {
    return isDefined(p) ? (Integer) getOrDefault(p) : null;
  }

  /** The model these params name, built on the driver once per stage instance and model params. */
  public synchronized ModelSpec model(org.apache.spark.sql.SparkSession spark) {
    ModelChoice choice = modelChoice();
    if (built == null || !choice.equals(builtFor)) {
      built = choice.build(spark);
      builtFor = choice;
    }
    return built;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    ModelSpec spec = model(dataset.sparkSession());
    GenerationSettings settings = generation(BannedTokens.ids(spec, Arrays.asList(getOrDefault(badWords))));
    TextGeneration.Result result = TextGeneration.run(dataset.toDF(), getOrDefault(idCol), getOrDefault(promptCol), spec,
        settings, getOrDefault(onEmptyPrompt).equals("skip"), ContextOverflow.parse(getOrDefault(contextOverflow)),
        Arrays.asList(getOrDefault(rowOverrides)));
    if (result.skippedEmptyPrompts() > 0) {
      LOG.warn("{}: skipped {} null or blank prompts (onEmptyPrompt: skip)", uid, result.skippedEmptyPrompts());
    }
    return result.output();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    generation(List.of());
    String type = getOrDefault(modelType);
    if (!type.equals(ModelChoice.NGRAM)) {
      ModelFormat.parse("modelType", type);
    }
    TextGeneration.validatePromptColumns(schema, getOrDefault(idCol), getOrDefault(promptCol));
    RowOverrides.validateColumns(schema, Arrays.asList(getOrDefault(rowOverrides)));
    return TextGeneration.outputSchema(schema, getOrDefault(idCol));
  }

  @Override
  public TextGenerator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }
}
