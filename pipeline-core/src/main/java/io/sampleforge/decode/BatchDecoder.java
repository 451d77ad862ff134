package io.sampleforge.decode;

import ai.djl.ndarray.NDManager;
import io.sampleforge.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Decodes a batch of sequences with a {@link CausalLm} and a {@link NextTokenSampler} until each
 * ends (an EOS id, a stop string in the decoded text, or max_new_tokens). Finished rows leave the
 * batch; since every draw is keyed by its own row, the result of a row does not depend on the
 * batch. Cost per step: one model call on the active rows plus the sampler.
 */
public final class BatchDecoder {
  /** One finished sample. */
  public record Result(int[] tokens, String text, FinishReason reason, double logProbability) {}

  private final CausalLm model;
  private final GenerationSettings settings;
  private final NextTokenSampler sampler;
  private final int context;

  public BatchDecoder(CausalLm model, GenerationSettings settings) {
    this(model, settings, 0);
  }

  /** With {@code context} > 0 a row also ends (finish reason length) when prompt + generated reaches it. */
  public BatchDecoder(CausalLm model, GenerationSettings settings, int context) {
    settings.sampler().checkVocabulary(model.vocabularySize());
    this.context = context;
    this.model = model;
    this.settings = settings;
    this.sampler = new NextTokenSampler(settings.sampler(), settings.seed());
  }

  /** Decodes all rows; {@code detokenize} turns generated ids into text (for stop strings and output). */
  public List<Result> decode(NDManager manager, List<SequenceState> rows, Function<int[], String> detokenize) {
    int n = rows.size();
    Result[] out = new Result[n];
    double[] logProb = new double[n];
    List<Integer> active = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (context > 0 && rows.get(i).position() >= context) {
        throw new IllegalArgumentException("row " + i + " already fills the model context of " + context + " tokens");
      }
      active.add(i);
    }
    List<Integer> eos = settings.sampler().eosTokenIds();
    for (int step = 0; step < settings.maxNewTokens() && !active.isEmpty(); step++) {
      int[][] sequences = new int[active.size()][];
      List<SequenceState> batch = new ArrayList<>(active.size());
      for (int a = 0; a < active.size(); a++) {
        SequenceState r = rows.get(active.get(a));
        int[] prompt = r.prompt();
        int[] gen = r.generated();
        int[] seq = new int[prompt.length + gen.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(gen, 0, seq, prompt.length, gen.length);
        sequences[a] = seq;
        batch.add(r);
      }
      NextTokenSampler.Step s;
      try (NDManager stepManager = manager.newSubManager()) {
        s = sampler.next(model.nextTokenLogits(stepManager, sequences), batch);
      }
      List<Integer> still = new ArrayList<>();
      for (int a = 0; a < active.size(); a++) {
        int i = active.get(a);
        logProb[i] += s.logProbabilities()[a];
        SequenceState r = rows.get(i);
        int[] gen = r.generated();
        if (eos.contains(s.tokens()[a])) {
          int[] body = java.util.Arrays.copyOf(gen, gen.length - 1);
          out[i] = new Result(gen, detokenize.apply(body), FinishReason.EOS, logProb[i]);
          continue;
        }
        String text = detokenize.apply(gen);
        String stopped = stopAt(text);
        if (stopped != null) {
          out[i] = new Result(gen, stopped, FinishReason.STOP, logProb[i]);
        } else if (step == settings.maxNewTokens() - 1 || (context > 0 && r.position() >= context)) {
          out[i] = new Result(gen, text, FinishReason.LENGTH, logProb[i]);
        } else {
          still.add(i);
        }
      }
      active = still;
    }
    return java.util.Arrays.asList(out);
  }

  private String stopAt(String text) {
    int cut = -1;
    for (String s : settings.stop()) {
      int at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    return cut < 0 ? null : text.substring(0, cut);
  }
}
