package io.sampleforge.model;

import java.util.List;
import java.util.function.Function;

/**
 * A model opened inside a task: the causal LM, how prompt text becomes token ids (including any
 * start-of-sequence prefix the model was trained with), how generated ids become text, the EOS ids,
 * the ids never to generate, and what to close when the task ends.
 */
public record LoadedModel(CausalLm lm, Function<String, int[]> encode, Function<int[], String> decode,
    List<Integer> eosIds, List<Integer> bannedIds, AutoCloseable resources) {}
