package io.sampleforge.decode;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.List;

/**
 * Validated, immutable settings of the token sampler, with Hugging Face transformers' parameter
 * names, ranges and "off" values (temperature 1, top_k 0, top_p 1, min_p 0, typical_p 1, epsilon 0,
 * eta 0, repetition_penalty 1) plus vLLM's presence and frequency penalties (0 = off) and allowed
 * token ids (empty = all). Unlike transformers' GenerationConfig, top_k defaults to 0 (off), as
 * in vLLM: a sampler does only what it is asked to.
 */
public record SamplerSettings(DecodingMode mode, double temperature, int topK, double topP, double minP, double typicalP,
    double epsilon, double eta, int minTokensToKeep, double repetitionPenalty, boolean penalizePrompt,
    double presencePenalty, double frequencyPenalty, int noRepeatNgramSize, List<Integer> badTokenIds,
    List<Integer> allowedTokenIds, int minNewTokens, List<Integer> eosTokenIds) implements Serializable {

  public SamplerSettings {
    mode = mode == null ? DecodingMode.SAMPLE : mode;
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw ConfigException.of("temperature", "must be a finite float > 0 (use decoding: greedy for argmax)", temperature);
    }
    if (topK < 0) {
      throw ConfigException.of("top_k", "must be >= 0 (0 = off)", topK);
    }
    if (!(topP >= 0 && topP <= 1)) {
      throw ConfigException.of("top_p", "must be in [0, 1] (1 = off)", topP);
    }
    if (!(minP >= 0 && minP <= 1)) {
      throw ConfigException.of("min_p", "must be in [0, 1] (0 = off)", minP);
    }
    if (!(typicalP > 0 && typicalP <= 1)) {
      throw ConfigException.of("typical_p", "must be in (0, 1) to filter, or 1 = off", typicalP);
    }
    if (!(epsilon >= 0 && epsilon < 1)) {
      throw ConfigException.of("epsilon", "must be in (0, 1) to filter, or 0 = off", epsilon);
    }
    if (!(eta >= 0 && eta < 1)) {
      throw ConfigException.of("eta", "must be in (0, 1) to filter, or 0 = off", eta);
    }
    if (minTokensToKeep < 1) {
      throw ConfigException.of("min_tokens_to_keep", "must be >= 1", minTokensToKeep);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw ConfigException.of("repetition_penalty", "must be a finite float > 0 (1 = off)", repetitionPenalty);
    }
    if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
      throw ConfigException.of("presence_penalty", "must be in [-2, 2] (0 = off)", presencePenalty);
    }
    if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
      throw ConfigException.of("frequency_penalty", "must be in [-2, 2] (0 = off)", frequencyPenalty);
    }
    if (noRepeatNgramSize < 0) {
      throw ConfigException.of("no_repeat_ngram_size", "must be >= 0 (0 = off)", noRepeatNgramSize);
    }
    if (minNewTokens < 0) {
      throw ConfigException.of("min_new_tokens", "must be >= 0", minNewTokens);
    }
    badTokenIds = ids("bad_token_ids", badTokenIds);
    allowedTokenIds = ids("allowed_token_ids", allowedTokenIds);
    eosTokenIds = ids("eos_token_ids", eosTokenIds);
  }

  private static List<Integer> ids(String name, List<Integer> ids) {
    if (ids == null) {
      return List.of();
    }
    for (Integer id : ids) {
      if (id == null || id < 0) {
        throw ConfigException.of(name, "must hold non-negative token ids", ids);
      }
    }
    return List.copyOf(ids);
  }

  /** Plain sampling at temperature 1 with nothing else on. */
  public static SamplerSettings defaults() {
    return builder().build();
  }

  /** Checks the token ids against a vocabulary size (unknown ids are a config error naming the parameter). */
  public void checkVocabulary(int vocab) {
    check("bad_token_ids", badTokenIds, vocab);
    check("allowed_token_ids", allowedTokenIds, vocab);
    check("eos_token_ids", eosTokenIds, vocab);
  }

  private static void check(String name, List<Integer> ids, int vocab) {
    for (int id : ids) {
      if (id >= vocab) {
        throw ConfigException.of(name, "must hold ids below the vocabulary size " + vocab, id);
      }
    }
  }

  /** The settings as a compact JSON object (snake_case keys), for output rows and manifests. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "{\"mode\":\"%s\",\"temperature\":%s,\"top_k\":%d,\"top_p\":%s,"
        + "\"min_p\":%s,\"typical_p\":%s,\"epsilon\":%s,\"eta\":%s,\"min_tokens_to_keep\":%d,"
        + "\"repetition_penalty\":%s,\"penalize_prompt\":%s,\"presence_penalty\":%s,\"frequency_penalty\":%s,"
        + "\"no_repeat_ngram_size\":%d,\"bad_token_ids\":%s,\"allowed_token_ids\":%s,\"min_new_tokens\":%d,"
        + "\"eos_token_ids\":%s}", mode.name().toLowerCase(java.util.Locale.ROOT), temperature, topK, topP, minP, typicalP,
        epsilon, eta, minTokensToKeep, repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty,
        noRepeatNgramSize, badTokenIds, allowedTokenIds, minNewTokens, eosTokenIds).replace(" ", "");
  }

  /** These settings with more banned ids and the given EOS ids (what a model adds to the user's settings). */
  public SamplerSettings withModelTokens(List<Integer> extraBanned, List<Integer> eos) {
    java.util.LinkedHashSet<Integer> bad = new java.util.LinkedHashSet<>(badTokenIds);
    bad.addAll(extraBanned);
    return new SamplerSettings(mode, temperature, topK, topP, minP, typicalP, epsilon, eta, minTokensToKeep,
        repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize, List.copyOf(bad),
        allowedTokenIds, minNewTokens, eos);
  }

  /** Sampler keys a prompt row may override (numeric values). */
  public static final List<String> ROW_OVERRIDABLE = List.of("temperature", "top_k", "top_p", "min_p", "typical_p",
      "epsilon", "eta", "repetition_penalty", "presence_penalty", "frequency_penalty", "no_repeat_ngram_size",
      "min_new_tokens");

  /** The rule of {@code row_overrides}: each entry must be one of {@link #ROW_OVERRIDABLE} (the one place it is checked). */
  public static String requireRowOverridable(String key) {
    if (!ROW_OVERRIDABLE.contains(key)) {
      throw ConfigException.of("row_overrides", "must name sampler keys among " + ROW_OVERRIDABLE, "'" + key + "'");
    }
    return key;
  }

  /** These settings with one numeric parameter replaced (validated like any other settings). */
  public SamplerSettings with(String key, double value) {
    Builder b = toBuilder();
    switch (requireRowOverridable(key)) {
      case "temperature" -> b.temperature(value);
      case "top_k" -> b.topK(integer(key, value));
      case "top_p" -> b.topP(value);
      case "min_p" -> b.minP(value);
      case "typical_p" -> b.typicalP(value);
      case "epsilon" -> b.epsilon(value);
      case "eta" -> b.eta(value);
      case "repetition_penalty" -> b.repetitionPenalty(value);
      case "presence_penalty" -> b.presencePenalty(value);
      case "frequency_penalty" -> b.frequencyPenalty(value);
      case "no_repeat_ngram_size" -> b.noRepeatNgramSize(integer(key, value));
      case "min_new_tokens" -> b.minNewTokens(integer(key, value));
      default -> throw new IllegalStateException("ROW_OVERRIDABLE names a key with no setter: " + key);
    }
    return b.build();
  }

  private static int integer(String key, double value) {
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw ConfigException.of(key, "must be an integer", value);
    }
    return (int) value;
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return builder().mode(mode).temperature(temperature).topK(topK).topP(topP).minP(minP).typicalP(typicalP)
        .epsilon(epsilon).eta(eta).minTokensToKeep(minTokensToKeep).repetitionPenalty(repetitionPenalty)
        .penalizePrompt(penalizePrompt).presencePenalty(presencePenalty).frequencyPenalty(frequencyPenalty)
        .noRepeatNgramSize(noRepeatNgramSize).badTokenIds(badTokenIds).allowedTokenIds(allowedTokenIds)
        .minNewTokens(minNewTokens).eosTokenIds(eosTokenIds);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent construction starting from {@link #defaults()}; {@link #build()} validates. */
  public static final class Builder {
    private DecodingMode mode = DecodingMode.SAMPLE;
    private double temperature = 1.0;
    private int topK;
    private double topP = 1.0;
    private double minP;
    private double typicalP = 1.0;
    private double epsilon;
    private double eta;
    private int minTokensToKeep = 1;
    private double repetitionPenalty = 1.0;
    private boolean penalizePrompt = true;
    private double presencePenalty;
    private double frequencyPenalty;
    private int noRepeatNgramSize;
    private List<Integer> badTokenIds = List.of();
    private List<Integer> allowedTokenIds = List.of();
    private int minNewTokens;
    private List<Integer> eosTokenIds = List.of();

    public Builder mode(DecodingMode v) { mode = v; return this; }
    public Builder temperature(double v) { temperature = v; return this; }
    public Builder topK(int v) { topK = v; return this; }
    public Builder topP(double v) { topP = v; return this; }
    public Builder minP(double v) { minP = v; return this; }
    public Builder typicalP(double v) { typicalP = v; return this; }
    public Builder epsilon(double v) { epsilon = v; return this; }
    public Builder eta(double v) { eta = v; return this; }
    public Builder minTokensToKeep(int v) { minTokensToKeep = v; return this; }
    public Builder repetitionPenalty(double v) { repetitionPenalty = v; return this; }
    public Builder penalizePrompt(boolean v) { penalizePrompt = v; return this; }
    public Builder presencePenalty(double v) { presencePenalty = v; return this; }
    public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
    public Builder noRepeatNgramSize(int v) { noRepeatNgramSize = v; return this; }
    public Builder badTokenIds(List<Integer> v) { badTokenIds = v; return this; }
    public Builder allowedTokenIds(List<Integer> v) { allowedTokenIds = v; return this; }
    public Builder minNewTokens(int v) { minNewTokens = v; return this; }
    public Builder eosTokenIds(List<Integer> v) { eosTokenIds = v; return this; }

    public SamplerSettings build() {
      return new SamplerSettings(mode, temperature, topK, topP, minP, typicalP, epsilon, eta, minTokensToKeep,
          repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize, badTokenIds,
          allowedTokenIds, minNewTokens, eosTokenIds);
    }
  }
}
