package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.DiffusionSample;
import io.sampleforge.diffusion.discrete.MarkovChain;
import io.sampleforge.diffusion.discrete.MarkovChainDenoiser;
import io.sampleforge.diffusion.discrete.MaskedDiffusionSampler;
import io.sampleforge.diffusion.discrete.SequenceKey;
import io.sampleforge.spark.common.ChunkedRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link MaskedDiffusionGeneration}: reads (id, prompt, key) rows in chunks, builds
 * one sequence per (prompt, sample) with the prompt's states at the first positions and the mask
 * everywhere else, samples them {@code batch_size} at a time and emits output rows. Keyed draws:
 * which sequences share a batch never changes one. Cost: the sampler's model calls; the chain's
 * precomputation once per task.
 */
final class MaskedDiffusionRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final int CHUNK_BATCHES = 16;
  /** How a position the ancestral sampler left masked (noise_removal off) is written. */
  static final String MASK = "<mask>";

  private final MarkovChainModel model;
  private final MaskedDiffusionSettings settings;

  MaskedDiffusionRunner(MarkovChainModel model, MaskedDiffusionSettings settings) {
    this.model = model;
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> prompts) {
    MarkovChain chain = model.chain();
    MarkovChainDenoiser denoiser = new MarkovChainDenoiser(chain);
    MaskedDiffusionSampler sampler = settings.sampler();
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
        int[] given = PromptStates.parse(model, chain, r.getString(1));
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
      List<Row> out = new ArrayList<>(keys.size());
      for (int from = 0; from < keys.size(); from += settings.batchSize()) {
        int to = Math.min(keys.size(), from + settings.batchSize());
        List<DiffusionSample> samples = sampler.sample(denoiser, keys.subList(from, to),
            initial.subList(from, to).toArray(int[][]::new));
        for (int i = from; i < to; i++) {
          DiffusionSample d = samples.get(i - from);
          int[] tokens = d.tokens();
          StringBuilder completion = new StringBuilder();
          int generated = 0;
          for (int l = prefix.get(i); l < length; l++) {
            completion.append(completion.length() > 0 ? " " : "");
            if (tokens[l] == mask) {
              completion.append(MASK);
            } else {
              completion.append(model.states().get(tokens[l]));
              generated++;
            }
          }
          out.add(RowFactory.create(ids.get(i), keys.get(i).sampleIndex(), completion.toString(), generated,
              d.modelCalls(), d.cacheHits(), samplerJson, identity, settings.seed()));
        }
      }
      return out;
    });
  }
}
