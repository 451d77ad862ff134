package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaDA's confidence-remasking sampler (Nie et al., "Large Language Diffusion Models", 2025;
 * ML-GSAI/LLaDA {@code generate.py::generate}), semi-autoregressive over blocks.
 *
 * <p>The generated span is the last {@code gen_length} positions of every row (the rest is the
 * prompt, which may hold no mask). It is cut into gen_length / block_length blocks, decoded left to
 * right with steps / blocks steps each. A block with M masks at its start commits floor(M / s) tokens
 * per step plus 1 in the first M mod s steps ({@link LladaSettings#transferCounts}), so it is full
 * before the next block starts. In each step, every masked position of the current block gets
 * <ul>
 *   <li>the guided distribution q: with {@code cfg_scale} w > 0, log q = u + (w + 1)(c - u) up to a
 *       constant, where c and u are the log-conditionals of the row and of the row with every
 *       initially given position masked (LLaDA's unconditional input); w = 0: q = c. The logits
 *       combination equals this one on log-probabilities because softmax ignores per-row
 *       constants;</li>
 *   <li>a value x0: temperature T = 0 the argmax of q (ties to the smaller id), T > 0 a float64
 *       Gumbel-argmax of log(q) / T with keyed noise ({@link DiffusionDraws#gumbelArgmax}; LLaDA
 *       draws float64 Gumbel noise too);</li>
 *   <li>a confidence ({@link RemaskingRule}), temperature-free as in LLaDA: q(x0) for
 *       low_confidence, a keyed uniform for random;</li>
 * </ul>
 * and the top-k confidences (ties to the smaller position) are committed. Positions outside the
 * current block and unmasked positions are never chosen (LLaDA gives them confidence -inf), and a
 * committed token never changes: the sampler never remasks.
 *
 * <p>Differences from the reference, none of which changes a committed token's law: a step that
 * commits nothing (M < s) makes no model call (LLaDA calls the model anyway and discards the
 * output); with w > 0 a row with no given token makes one call per step (its unconditional input is
 * the row itself, so u = c); values are drawn only for the masked positions of the current block
 * (LLaDA draws them everywhere and keeps those it commits); the model's mask column is excluded
 * (MaskedDenoiser's SUBS contract; LLaDA soft-maxes over the full vocabulary). LLaDA's
 * {@code logits_eos_inf} / {@code confidence_eos_eot_inf} options of later versions are not
 * implemented. The time passed to the model is the row's masked fraction of the span (LLaDA is not
 * time-conditioned).
 *
 * <p>Model calls (NFE): one per step that commits something, two with guidance (the conditional
 * and unconditional rows share one batched call and count as two). Exactness: with low_confidence
 * the position is chosen by the value drawn for it, which biases the law even at one token per
 * step; random (and the value-independent extensions topk_margin, entropy) are exact at one token
 * per step with an exact model (shared/notes/samplers.md, "Checked fact"); more tokens per step add
 * a factorisation error. Cost per step and row: one model row read per masked block position, O(V)
 * each (T > 0: V Gumbel draws), plus a sort of the block's masked positions.
 */
public final class LladaSampler implements MaskedDiffusionSampler {
  private final LladaSettings settings;
  private final DiffusionDraws draws;
  /** ODD's repulsion of the samples of one record key ({@link OddSampler}); null for plain LLaDA. */
  private final OddSettings odd;

  public LladaSampler(LladaSettings settings, long seed) {
    this(settings, seed, null);
  }

  LladaSampler(LladaSettings settings, long seed, OddSettings odd) {
    this.settings = settings;
    this.draws = new DiffusionDraws(seed);
    this.odd = odd;
  }

  public LladaSettings settings() {
    return settings;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    int vocab = model.vocabularySize();
    int span = settings.genLength();
    int block = settings.blockLength();
    int perBlock = settings.stepsPerBlock();
    int length = batch == 0 ? 0 : x[0].length;
    int prompt = length - span;
    if (batch > 0 && prompt < 0) {
      throw new IllegalArgumentException("rows have length " + length + ", shorter than gen_length " + span);
    }
    boolean[][] given = new boolean[batch][];
    boolean[] hasGiven = new boolean[batch];
    KeyedStream[] streams = new KeyedStream[batch];
    for (int b = 0; b < batch; b++) {
      given[b] = new boolean[length];
      for (int l = 0; l < length; l++) {
        given[b][l] = x[b][l] != mask;
        hasGiven[b] |= given[b][l];
        if (l < prompt && !given[b][l]) {
          throw new IllegalArgumentException("row " + b + " position " + l + " holds the mask id in the prompt (the first "
              + prompt + " positions); LLaDA generates only the last gen_length = " + span + " positions");
        }
      }
      streams[b] = draws.stream(keys.get(b));
    }
    boolean guided = settings.cfgScale() > 0;
    int[] calls = new int[batch];
    int[][] counts = new int[batch][];
    double[] p = new double[vocab];
    double[] pu = new double[vocab];
    double[] confidence = new double[block];
    int[] value = new int[block];
    boolean[] eligible = new boolean[block];
    for (int blk = 0; blk < settings.blocks(); blk++) {
      int start = prompt + blk * block;
      for (int b = 0; b < batch; b++) {
        counts[b] = LladaSettings.transferCounts(masks(x[b], mask, start, start + block), perBlock);
      }
      for (int i = 0; i < perBlock; i++) {
        int step = blk * perBlock + i;
        List<Integer> active = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        int[] conditionalRow = new int[batch];
        int[] unconditionalRow = new int[batch];
        for (int b = 0; b < batch; b++) {
          if (counts[b][i] == 0) {
            continue;
          }
          double t = (double) masks(x[b], mask, prompt, length) / span;
          active.add(b);
          conditionalRow[b] = rows.size();
          rows.add(x[b].clone());
          times.add(t);
          unconditionalRow[b] = -1;
          if (guided && hasGiven[b]) {
            int[] un = x[b].clone();
            for (int l = 0; l < length; l++) {
              if (given[b][l]) {
                un[l] = mask;
              }
            }
            unconditionalRow[b] = rows.size();
            rows.add(un);
            times.add(t);
          }
        }
        if (active.isEmpty()) {
          continue;
        }
        double[] t = new double[times.size()];
        for (int r = 0; r < t.length; r++) {
          t[r] = times.get(r);
        }
        try (DenoiserOutput out = model.denoise(rows.toArray(new int[0][]), t)) {
          double[][][] repelled = repelled(out, keys, x, active, conditionalRow, unconditionalRow, prompt, mask,
              vocab, step);
          for (int b : active) {
            SequenceKey key = keys.get(b);
            for (int j = 0; j < block; j++) {
              int l = start + j;
              eligible[j] = x[b][l] == mask;
              value[j] = -1;
              if (!eligible[j]) {
                continue;
              }
              if (settings.remasking() == RemaskingRule.RANDOM) {
                confidence[j] = streams[b].uniform(DiffusionDraws.counter(step, l, Kind.CONFIDENCE));
                continue;
              }
              read(repelled, out, b, conditionalRow[b], unconditionalRow[b], l, prompt, mask, p, pu);
              confidence[j] = switch (settings.remasking()) {
                case LOW_CONFIDENCE -> {
                  value[j] = draw(key, step, l, p, mask);
                  yield p[value[j]];
                }
                case TOPK_MARGIN -> Confidences.margin(p);
                case ENTROPY -> Confidences.negativeEntropy(p);
                case RANDOM -> throw new AssertionError();
              };
            }
            for (int j : Confidences.topK(confidence, eligible, counts[b][i])) {
              int l = start + j;
              if (value[j] < 0) {
                read(repelled, out, b, conditionalRow[b], unconditionalRow[b], l, prompt, mask, p, pu);
                value[j] = draw(key, step, l, p, mask);
              }
              x[b][l] = value[j];
            }
            calls[b] += unconditionalRow[b] >= 0 ? 2 : 1;
          }
        }
      }
    }
    List<DiffusionSample> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      out.add(new DiffusionSample(x[b], calls[b], 0));
    }
    return out;
  }

  private int draw(SequenceKey key, int step, int l, double[] q, int mask) {
    return settings.temperature() == 0 ? DiffusionDraws.argmax(q, mask)
        : draws.gumbelArgmax(key, DiffusionDraws.counter(step, l, Kind.GUMBEL), q, mask, settings.temperature());
  }

  /** The guided distribution of row b at position l: ODD's repelled one when there is one. */
  private void read(double[][][] repelled, DenoiserOutput out, int b, int conditional, int unconditional, int l,
      int prompt, int mask, double[] p, double[] pu) {
    if (repelled != null && repelled[b] != null) {
      System.arraycopy(repelled[b][l - prompt], 0, p, 0, p.length);
    } else {
      guided(out, conditional, unconditional, l, mask, p, pu);
    }
  }

  /**
   * ODD (sean-lamont/odd {@code generator.py}): when the step's alpha (1 - step / steps) is > 0, the
   * guided distributions of every masked position of the generated span of the active rows,
   * repelled within each group of rows sharing a record key (in sample-index order; {@link
   * OddRepulsion}); null otherwise, and for plain LLaDA, so alpha 0 is LLaDA exactly.
   */
  private double[][][] repelled(DenoiserOutput out, List<SequenceKey> keys, int[][] x, List<Integer> active,
      int[] conditionalRow, int[] unconditionalRow, int prompt, int mask, int vocab, int step) {
    if (odd == null) {
      return null;
    }
    double alphaStep = odd.alphaAt(step, settings.steps());
    if (!(alphaStep > 0)) {
      return null;
    }
    double[][][] repelled = new double[x.length][][];
    double[] pu = new double[vocab];
    java.util.Map<Long, List<Integer>> groups = new java.util.TreeMap<>();
    for (int b : active) {
      int span = x[b].length - prompt;
      repelled[b] = new double[span][];
      for (int j = 0; j < span; j++) {
        if (x[b][prompt + j] == mask) {
          repelled[b][j] = new double[vocab];
          guided(out, conditionalRow[b], unconditionalRow[b], prompt + j, mask, repelled[b][j], pu);
        }
      }
      groups.computeIfAbsent(keys.get(b).recordKey(), k -> new ArrayList<>()).add(b);
    }
    for (List<Integer> group : groups.values()) {
      group.sort(java.util.Comparator.comparingInt(b -> keys.get(b).sampleIndex()));
      List<OddRepulsion.Member> members = new ArrayList<>();
      for (int b : group) {
        members.add(new OddRepulsion.Member(java.util.Arrays.copyOfRange(x[b], prompt, x[b].length), repelled[b]));
      }
      OddRepulsion.repel(members, alphaStep, odd.qualityScale(), odd.confidenceWeighting(), odd.protectedIds(),
          vocab);
    }
    return repelled;
  }

  /** Writes the guided distribution q of position l into {@code p} ({@code pu} is scratch). */
  private void guided(DenoiserOutput out, int conditional, int unconditional, int l, int mask, double[] p, double[] pu) {
    out.probabilities(conditional, l, p);
    if (unconditional >= 0) {
      out.probabilities(unconditional, l, pu);
      guide(p, pu, settings.cfgScale(), mask);
    }
  }

  /**
   * Classifier-free guidance on probabilities, in place: q proportional to exp(log pu + (w + 1)(log
   * pc - log pu)) over the columns other than the mask where pc > 0 (LLaDA's u + (w + 1)(c - u) on
   * logits, which differs by a per-row constant). A column with pc > 0 and pu = 0 would get an
   * unbounded logit: an IllegalStateException.
   */
  static void guide(double[] pc, double[] pu, double w, int mask) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < pc.length; v++) {
      if (v == mask || !(pc[v] > 0)) {
        pc[v] = Double.NEGATIVE_INFINITY;
        continue;
      }
      if (!(pu[v] > 0)) {
        throw new IllegalStateException("classifier-free guidance: token " + v + " has conditional probability " + pc[v]
            + " but unconditional probability " + pu[v] + "; its guided logit would be unbounded");
      }
      double lu = Math.log(pu[v]);
      pc[v] = lu + (w + 1) * (Math.log(pc[v]) - lu);
      max = Math.max(max, pc[v]);
    }
    double sum = 0;
    for (int v = 0; v < pc.length; v++) {
      pc[v] = pc[v] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(pc[v] - max);
      sum += pc[v];
    }
    for (int v = 0; v < pc.length; v++) {
      pc[v] /= sum;
    }
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
