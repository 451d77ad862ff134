package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Confidence-aware parallel decoding of Fast-dLLM (Wu et al., "Fast-dLLM: Training-free
 * Acceleration of Diffusion LLM by Enabling KV Cache and Parallel Decoding", arXiv 2505.22618;
 * NVlabs/Fast-dLLM {@code llada/generate.py::generate} without cache, commit f6b35ec3) and the
 * Fréchet profile selector of Fast-dLLM++ (arXiv 2606.02955; Ringo-Star/FastdLLM_plusplus {@code
 * v1/llada/generate.py}, commit 518b90f4), on LLaDA's semi-autoregressive blocks.
 *
 * <p>The generated span is the last {@code gen_length} positions of every row (the prompt before it
 * may hold no mask), cut into blocks of {@code block_length} decoded left to right. A block is
 * decoded in steps until it holds no mask; each step is one model call on the whole row, then for
 * every masked position l of the current block, with q its conditional:
 * <ul>
 *   <li>{@link ConfidenceKind#DRAWN}: a value x0 is drawn (T = 0: argmax of q, ties to the smaller
 *       id; T > 0: float64 Gumbel-argmax of log(q) / T with keyed noise, as LLaDA) and the
 *       confidence is q(x0);</li>
 *   <li>{@link ConfidenceKind#MAX_PROBABILITY}: the confidence is max q, and only the positions
 *       chosen are given a value, drawn the same way afterwards;</li>
 * </ul>
 * the masked positions are sorted by confidence (descending, ties to the smaller position), the
 * {@link CommitRule} picks how many of the most confident to commit (at least one), and those are
 * committed; committed tokens never change. The step counter of the keyed draws is block *
 * block_length + (step within the block), which a block never exceeds because every step commits
 * at least one token; the value noise of position l in step s is the same draw as {@link
 * LladaSampler}'s (kind GUMBEL), so with threshold tau = 1 (when no two confidences are exactly 1)
 * DRAWN gives row for row the tokens of {@code LladaSampler(gen_length, block_length, steps =
 * gen_length, T, cfg 0, low_confidence)} with the same seed.
 *
 * <p>Caches ({@link CacheMode}, Fast-dLLM {@code generate_with_prefix_cache} and {@code
 * generate_with_dual_cache}): with a cache the first step of every block is a full forward that
 * refreshes each row's kept keys/values ({@link KvCachedDenoiser#refresh}), and the block's other
 * steps run the model on the window [block start, L) (prefix) or [block start, block end) (dual)
 * only. Each step is still one NFE; the draws, confidences and commit rules are unchanged, so with
 * a model whose window output equals its full output the tokens equal the uncached run's.
 *
 * <p>Differences from the reference: no classifier-free guidance (Fast-dLLM's loops have none);
 * values are drawn only for
 * the masked positions of the current block; the model's mask column is excluded (SUBS contract);
 * the time passed to the model is the row's masked fraction of the span (Fast-dLLM is not
 * time-conditioned); rows of a batch run their own step loops (a row whose block is full is not
 * sent to the model, where Fast-dLLM runs its batch until every row's block is full).
 *
 * <p>Reported per row ({@link DiffusionSample}): the model calls (NFE, one per step) and the tokens
 * committed in each step ({@link DiffusionSample#commitsPerStep()}, summing to the masks filled).
 * Exactness: with an exact model, MAX_PROBABILITY committing one token per step is exact; DRAWN is
 * biased even at one per step; more than one per step adds the factorisation error the rules bound
 * heuristically. Cost per step and row: one model row plus O(V) per masked block position (T > 0:
 * V Gumbel draws for each DRAWN position, for each committed MAX_PROBABILITY position) and a sort
 * of the block's masked positions.
 */
public final class ParallelDecodingSampler implements MaskedDiffusionSampler {
  private final ParallelDecodingSettings settings;
  private final DiffusionDraws draws;

  public ParallelDecodingSampler(ParallelDecodingSettings settings, long seed) {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
    this.settings = settings;
    this.draws = new DiffusionDraws(seed);
  }

  public ParallelDecodingSettings settings() {
    return settings;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    int span = settings.genLength();
    int length = batch == 0 ? 0 : x[0].length;
    int prompt = length - span;
    if (batch > 0 && prompt < 0) {
      throw new IllegalArgumentException("rows have length " + length + ", shorter than gen_length " + span);
    }
    for (int b = 0; b < batch; b++) {
      for (int l = 0; l < prompt; l++) {
        if (x[b][l] == mask) {
          throw new IllegalArgumentException("row " + b + " position " + l + " holds the mask id in the prompt (the first "
              + prompt + " positions); parallel decoding generates only the last gen_length = " + span + " positions");
        }
      }
    }
    int[] calls = new int[batch];
    List<List<Integer>> commits = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      commits.add(new ArrayList<>());
    }
    KvCachedDenoiser cached = settings.cache() == CacheMode.NONE ? null : cachedModel(model);
    List<KvCachedDenoiser.RowCache> kept = new ArrayList<>(Collections.nCopies(batch, null));
    try {
      decode(model, cached, kept, keys, x, prompt, calls, commits);
    } finally {
      kept.forEach(c -> {
        if (c != null) {
          c.close();
        }
      });
    }
    List<DiffusionSample> result = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      int[] perStep = commits.get(b).stream().mapToInt(Integer::intValue).toArray();
      result.add(new DiffusionSample(x[b], calls[b], 0, perStep));
    }
    return result;
  }

  private KvCachedDenoiser cachedModel(MaskedDenoiser model) {
    if (!(model instanceof KvCachedDenoiser)) {
      throw new IllegalArgumentException("cache " + settings.cache().id() + " needs a model that keeps keys/values "
          + "(a KvCachedDenoiser: the cached masked export contract); " + model.getClass().getSimpleName()
          + " does not");
    }
    return (KvCachedDenoiser) model;
  }

  private DenoiserOutput forward(MaskedDenoiser model, KvCachedDenoiser cached, List<KvCachedDenoiser.RowCache> kept,
      List<Integer> active, int[][] rows, double[] t, int step, int start, int length) {
    if (cached == null) {
      return model.denoise(rows, t);
    }
    if (step == 0) {
      KvCachedDenoiser.Refreshed refreshed = cached.refresh(rows);
      for (int r = 0; r < rows.length; r++) {
        KvCachedDenoiser.RowCache old = kept.set(active.get(r), refreshed.rows().get(r));
        if (old != null) {
          old.close();
        }
      }
      return refreshed.output();
    }
    List<KvCachedDenoiser.RowCache> caches = new ArrayList<>(rows.length);
    for (int b : active) {
      caches.add(kept.get(b));
    }
    return cached.window(rows, start, settings.cache().windowEnd(start, settings.blockLength(), length), caches);
  }

  private void decode(MaskedDenoiser model, KvCachedDenoiser cached, List<KvCachedDenoiser.RowCache> kept,
      List<SequenceKey> keys, int[][] x, int prompt, int[] calls, List<List<Integer>> commits) {
    int batch = x.length;
    int mask = model.maskId();
    int span = settings.genLength();
    int block = settings.blockLength();
    int length = batch == 0 ? 0 : x[0].length;
    double[] q = new double[model.vocabularySize()];
    double[] confidence = new double[block];
    int[] value = new int[block];
    boolean[] eligible = new boolean[block];
    double[] sorted = new double[block];
    boolean drawn = settings.confidence() == ConfidenceKind.DRAWN;
    for (int blk = 0; blk < settings.blocks(); blk++) {
      int start = prompt + blk * block;
      for (int i = 0; ; i++) {
        List<Integer> active = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
          if (masks(x[b], mask, start, start + block) > 0) {
            active.add(b);
          }
        }
        if (active.isEmpty()) {
          break;
        }
        if (i >= block) {
          throw new IllegalStateException("block " + blk + " still has masks after " + block + " steps");
        }
        int step = blk * block + i;
        int[][] rows = new int[active.size()][];
        double[] t = new double[active.size()];
        for (int r = 0; r < rows.length; r++) {
          int b = active.get(r);
          rows[r] = x[b].clone();
          t[r] = (double) masks(x[b], mask, prompt, length) / span;
        }
        try (DenoiserOutput out = forward(model, cached, kept, active, rows, t, i, start, length)) {
          for (int r = 0; r < rows.length; r++) {
            int b = active.get(r);
            SequenceKey key = keys.get(b);
            int m = 0;
            for (int j = 0; j < block; j++) {
              int l = start + j;
              eligible[j] = x[b][l] == mask;
              value[j] = -1;
              if (!eligible[j]) {
                continue;
              }
              m++;
              out.probabilities(r, l, q);
              if (drawn) {
                value[j] = draw(key, step, l, q, mask);
                confidence[j] = q[value[j]];
              } else {
                confidence[j] = q[DiffusionDraws.argmax(q, mask)];
              }
            }
            int[] order = Confidences.topK(confidence, eligible, m);
            for (int k = 0; k < m; k++) {
              sorted[k] = confidence[order[k]];
            }
            int count = settings.rule().count(sorted, m);
            for (int k = 0; k < count; k++) {
              int j = order[k];
              if (value[j] < 0) {
                out.probabilities(r, start + j, q);
                value[j] = draw(key, step, start + j, q, mask);
              }
              x[b][start + j] = value[j];
            }
            calls[b]++;
            commits.get(b).add(count);
          }
        }
      }
    }
  }

  private int draw(SequenceKey key, int step, int l, double[] q, int mask) {
    return settings.temperature() == 0 ? DiffusionDraws.argmax(q, mask)
        : draws.gumbelArgmax(key, DiffusionDraws.counter(step, l, Kind.GUMBEL), q, mask, settings.temperature());
  }

  private static int masks(int[] row, int mask, int from, int to) {
    int n = 0;
    for (int l = from; l < to; l++) {
      if (row[l] == mask) {
        n++;
      }
    }
    return n;
  }
}
