package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.spark.text.MarkovChainModel;
import java.util.List;

/**
 * The config rules of {@code model.type: markov-chain} (masked-diffusion sampling): its four keys are
 * required and converted with their key names, and the keys of the other models and of the
 * autoregressive samplers are refused (named in the message) instead of being silently ignored.
 */
final class MarkovChainKeys {
  private MarkovChainKeys() {}

  /** The model of the four keys; a missing key names model.type too (it is what asked for them). */
  static MarkovChainModel model(List<String> states, List<Double> initial, List<List<Double>> transitions,
      Integer length) {
    if (states == null || initial == null || transitions == null || length == null) {
      throw ConfigException.of("model.type/model.states/model.initial/model.transitions/model.length",
          "markov-chain needs states, initial, transitions and length", "states=" + states + ", initial=" + initial
          + ", transitions=" + transitions + ", length=" + length);
    }
    for (String s : states) {
      if (s == null) {
        throw ConfigException.of("model.states", "must be names (no null entries)", states);
      }
    }
    double[][] p = new double[transitions.size()][];
    for (int r = 0; r < p.length; r++) {
      if (transitions.get(r) == null) {
        throw ConfigException.of("model.transitions", "row " + r + " must be a list of probabilities", "null");
      }
      p[r] = numbers("model.transitions", "row " + r + " ", transitions.get(r));
    }
    return new MarkovChainModel(states, numbers("model.initial", "", initial), p, length);
  }

  private static double[] numbers(String key, String where, List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) == null) {
        throw ConfigException.of(key, where + "entry " + i + " must be a number", values);
      }
      out[i] = values.get(i);
    }
    return out;
  }

  /** The n-gram and exported-model keys do not apply to the Markov chain. */
  static void requireOnlyChainKeys(Object order, Object corpus, Object textColumn, Object toySentences,
      Object corpusSeed, Object dir, Object path, Object tokenizer, Object vocabSize, Object bosId, Object eosIds,
      Boolean cached, Object layers, Object heads, Object headDim, Object context, Object maskId, Object logitsShift) {
    String[] names = {"order", "corpus", "text_column", "toy_sentences", "corpus_seed", "dir", "path", "tokenizer",
        "vocab_size", "bos_id", "eos_ids", "cached", "layers", "heads", "head_dim", "context", "mask_id", "logits_shift"};
    Object[] values = {order, corpus, textColumn, toySentences, corpusSeed, dir, path, tokenizer, vocabSize, bosId,
        eosIds, cached, layers, heads, headDim, context, maskId, logitsShift};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        throw ConfigException.of("model.type/model." + names[i], "does not apply to model.type markov-chain (the chain"
            + " is given by model.states, initial, transitions and length)", values[i]);
      }
    }
  }

  /**
   * The autoregressive sampler keys do not apply to masked-diffusion sampling (yet): temperature and
   * the other warpers, penalties, bad words, stop strings, token limits (model.length sets the
   * length), context overflow, row overrides and the toy-grammar metric.
   */
  static void requireNoAutoregressiveKeys(String decoding, Double temperature, Integer topK, Double topP, Double minP,
      Double typicalP, Double epsilon, Double eta, Integer minTokensToKeep, Double repetitionPenalty,
      Boolean penalizePrompt, Double presencePenalty, Double frequencyPenalty, Integer noRepeatNgramSize,
      List<String> badWords, Integer minNewTokens, Integer maxNewTokens, List<String> stop, String contextOverflow,
      List<String> rowOverrides, Boolean toyGrammarMetric) {
    String[] names = {"decoding", "temperature", "top_k", "top_p", "min_p", "typical_p", "epsilon", "eta",
        "min_tokens_to_keep", "repetition_penalty", "penalize_prompt", "presence_penalty", "frequency_penalty",
        "no_repeat_ngram_size", "min_new_tokens", "max_new_tokens", "context_overflow"};
    Object[] values = {decoding, temperature, topK, topP, minP, typicalP, epsilon, eta, minTokensToKeep,
        repetitionPenalty, penalizePrompt, presencePenalty, frequencyPenalty, noRepeatNgramSize, minNewTokens,
        maxNewTokens, contextOverflow};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        refuse(names[i], values[i]);
      }
    }
    if (badWords != null && !badWords.isEmpty()) {
      refuse("bad_words", badWords);
    }
    if (stop != null && !stop.isEmpty()) {
      refuse("stop", stop);
    }
    if (rowOverrides != null && !rowOverrides.isEmpty()) {
      refuse("row_overrides", rowOverrides);
    }
    if (Boolean.TRUE.equals(toyGrammarMetric)) {
      refuse("toy_grammar_metric", true);
    }
  }

  private static void refuse(String key, Object value) {
    throw ConfigException.of("model.type/" + key, "applies to autoregressive models only; masked-diffusion sampling "
        + "(model.type markov-chain, or a masked LM with a diffusion block) does not use it yet: its keys are in the diffusion block and model.length sets "
        + "the sequence length (docs/jobs/generate.md)", value);
  }
}
