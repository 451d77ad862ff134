package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.DiffusionSample;
import io.sampleforge.diffusion.discrete.MaskedDenoiser;
import io.sampleforge.diffusion.discrete.MaskedDiffusionSampler;
import io.sampleforge.diffusion.discrete.SequenceKey;
import io.sampleforge.spark.common.ChunkedRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link MaskedDiffusionGeneration}: opens the model once per task (closed when the
 * task completes), reads (id, prompt, key) rows in chunks, builds one sequence per (prompt, sample)
 * with the prompt's tokens at the first positions and the mask everywhere else, samples them {@code
 * batch_size} at a time and emits output rows. Keyed draws: which sequences share a batch never
 * changes one. Cost: the sampler's model calls; opening the model once per task.
 */
final class MaskedDiffusionRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final int CHUNK_BATCHES = 16;
  /** How a position the ancestral sampler left masked (noise_removal off) is written. */
  static final String MASK = "<mask>";

  private final MaskedModelSpec model;
  private final MaskedDiffusionSettings settings;

  MaskedDiffusionRunner(MaskedModelSpec model, MaskedDiffusionSettings settings) {
    this.model = model;
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> prompts) {
    OpenMaskedModel opened = model.open();
    org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> opened.close());
    }
    MaskedDenoiser denoiser = opened.denoiser();
    TokenSpace tokenSpace = opened.tokens();
    Map<Integer, MaskedDiffusionSampler> samplers = new HashMap<>();
    String samplerJson = settings.describe();
    String identity = model.identity();
    int length = model.length();
    int mask = denoiser.maskId();
    int limit = Math.max(1, settings.batchSize() * CHUNK_BATCHES / settings.samplesPerPrompt());
    return new ChunkedRows<>(prompts::hasNext, () -> {
      List<Object> ids = new ArrayList<>();
      List<Integer> prefix = new ArrayList<>();
      List<SequenceKey> keys = new ArrayList<>();
      List<int[]> initial = new ArrayList<>();
      for (int n = 0; n < limit && prompts.hasNext(); n++) {
        Row r = prompts.next();
        int[] given = opened.encode(r.getString(1));
        int[] x = new int[length];
        Arrays.fill(x, mask);
        System.arraycopy(given, 0, x, 0, given.length);
        for (int s = 0; s < settings.samplesPerPrompt(); s++) {
          ids.add(r.get(0));
          prefix.add(given.length);
          keys.add(new SequenceKey(r.getLong(2), s));
          initial.add(x);
        }
      }
      DiffusionSample[] results = sample(denoiser, ids.size(), prefix, keys, initial, length, tokenSpace, samplers);
      List<Row> out = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        DiffusionSample d = results[i];
        MaskedCompletion c = opened.read(d.tokens(), prefix.get(i));
        out.add(RowFactory.create(ids.get(i), keys.get(i).sampleIndex(), c.text(), c.tokenCount(), d.modelCalls(),
            d.cacheHits(), samplerJson, identity, settings.seed(), c.finishReason(),
            scala.jdk.javaapi.CollectionConverters.asScala(Arrays.stream(d.commitsPerStep()).boxed().toList()).toSeq()));
      }
      return out;
    });
  }

  /**
   * Samples the chunk's sequences (the samples of each prompt are consecutive) and returns them in
   * order. Calls hold at most batch_size sequences, and only rows of one prompt length where the
   * sampler's span depends on it (LLaDA, ODD); ODD gets whole prompts (all their samples, even beyond
   * batch_size) so that they repel each other.
   */
  private DiffusionSample[] sample(MaskedDenoiser denoiser, int n, List<Integer> prefix, List<SequenceKey> keys,
      List<int[]> initial, int length, TokenSpace tokenSpace, Map<Integer, MaskedDiffusionSampler> samplers) {
    DiffusionKernel kernel = settings.kernel();
    int perPrompt = settings.samplesPerPrompt();
    DiffusionSample[] results = new DiffusionSample[n];
    Map<Integer, List<Integer>> byLength = new TreeMap<>();
    for (int p = 0; p < n; p += perPrompt) {
      byLength.computeIfAbsent(kernel.onePromptLengthPerCall() ? prefix.get(p) : 0, k -> new ArrayList<>()).add(p);
    }
    int unit = kernel.wholePromptPerCall() ? perPrompt : 1;
    int size = Math.max(unit, settings.batchSize() / unit * unit);
    for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
      int span = length - group.getKey();
      List<Integer> order = new ArrayList<>();
      for (int start : group.getValue()) {
        for (int s = 0; s < perPrompt; s++) {
          order.add(start + s);
        }
      }
      if (span == 0) {
        // the prompt fills the sequence: nothing to generate, no model call
        for (int i : order) {
          results[i] = new DiffusionSample(initial.get(i).clone(), 0, 0);
        }
        continue;
      }
      MaskedDiffusionSampler sampler = samplers.computeIfAbsent(span,
          g -> kernel.sampler(g, settings.seed(), tokenSpace));
      for (int from = 0; from < order.size(); from += size) {
        List<Integer> call = order.subList(from, Math.min(order.size(), from + size));
        List<SequenceKey> callKeys = new ArrayList<>(call.size());
        int[][] rows = new int[call.size()][];
        for (int j = 0; j < call.size(); j++) {
          callKeys.add(keys.get(call.get(j)));
          rows[j] = initial.get(call.get(j));
        }
        List<DiffusionSample> samples = sampler.sample(denoiser, callKeys, rows);
        for (int j = 0; j < call.size(); j++) {
          results[call.get(j)] = samples.get(j);
        }
      }
    }
    return results;
  }
}
