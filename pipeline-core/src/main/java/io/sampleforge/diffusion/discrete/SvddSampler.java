package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reward-guided ancestral decoding, derivative-free: SVDD (Li et al., "Derivative-Free Guidance in
 * Continuous and Discrete Diffusion Models with Soft Value-Based Decoding", 2024; masa-ue/SVDD
 * {@code diffusion_gosai.py::_ddpm_update_finetune_controlled_twedie}, the "PM" value) and
 * DiDi-Instruct's reranking schedule (haoyangzheng-ai/didi-instruct {@code
 * algo.py::reward_guided_ancestral_step}, its candidate part).
 *
 * <p>Each step t -> s of {@link AncestralSampler} (same times, schedule and step law) draws M
 * candidate next states x_s^(m) from the base step law given x_t: candidate 0 with the sequence's own
 * keyed draws (so it is exactly the base sampler's step), candidate m > 0 with a keyed sub-stream
 * ({@link DiffusionDraws#candidateStream}). Its value v_m = r(x̂0(x_s^(m))), where x̂0 fills every
 * position still masked with the argmax of the model's conditional given x_s^(m) (one model call per
 * candidate that still has a mask; a candidate without one is scored as it is). The kept candidate is
 * argmax_m v_m (alpha 0, ties to the smaller m; SVDD's alpha -> 0) or m drawn with probability
 * proportional to exp(v_m / alpha) by a keyed uniform (alpha 1 is DiDi-Instruct's softmax(reward)).
 * With a rerank fraction f < 1 the steps before floor((1 - f) steps) draw one candidate (the base
 * step). With M = 1 the sampler is the {@link AncestralSampler} with the same settings and seed,
 * token for token, call for call.
 *
 * <p>NFE (counted honestly, per sequence): the base sampler's calls (cache and noise removal as in
 * {@link AncestralSettings}), plus one per candidate with a mask left in every reranked step. The
 * kept candidate's value call was made on x_s at time s, which is exactly the next step's model
 * input, so it serves as the next step's output instead of a new call (not counted as a cache hit:
 * it was counted once, as a value call). Not implemented: DiDi-Instruct's gradient guidance of the
 * early steps (log p += h clip(grad reward)) needs a differentiable reward model, and SVDD's learned
 * (MC) value network; the reward is any {@link SequenceReward}. Cost per reranked step and sequence:
 * M base step draws, up to M model rows, M reward evaluations; each reranked step makes one batched
 * model call and one batched {@link SequenceReward#rewards} call for the candidates of the whole batch.
 */
public final class SvddSampler implements MaskedDiffusionSampler {
  private final SvddSettings settings;
  private final SequenceReward reward;
  private final DiffusionDraws draws;

  public SvddSampler(SvddSettings settings, SequenceReward reward, long seed) {
    if (reward == null) {
      throw new IllegalArgumentException("SVDD needs a reward");
    }
    this.settings = settings;
    this.reward = reward;
    this.draws = new DiffusionDraws(seed);
  }

  public SvddSettings settings() {
    return settings;
  }

  public SequenceReward reward() {
    return reward;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    int vocab = model.vocabularySize();
    AncestralSettings base = settings.base();
    int[] left = new int[batch];
    KeyedStream[][] streams = new KeyedStream[batch][settings.candidates()];
    for (int b = 0; b < batch; b++) {
      left[b] = masks(x[b], mask);
      for (int c = 0; c < settings.candidates(); c++) {
        streams[b][c] = draws.candidateStream(keys.get(b), c);
      }
    }
    int[] calls = new int[batch];
    int[] hits = new int[batch];
    boolean[] fresh = new boolean[batch];
    boolean reuse = base.cache() && !model.timeConditioned();
    SharedOutputs outputs = new SharedOutputs(batch);
    double[] p = new double[vocab];
    MaskSchedule schedule = base.schedule();
    try {
      for (int step = 0; step < base.steps(); step++) {
        double alphaT = schedule.alpha(base.time(step));
        double alphaS = schedule.alpha(base.time(step + 1));
        double unmask = (alphaS - alphaT) / (1 - alphaT);
        outputs.refresh(model, x, left, base.time(step), reuse, fresh, calls, hits);
        int m = settings.candidatesAt(step);
        int[][][] candidates = new int[batch][][];
        for (int b = 0; b < batch; b++) {
          if (left[b] == 0) {
            continue;
          }
          candidates[b] = new int[m][];
          for (int c = 0; c < m; c++) {
            int[] y = x[b].clone();
            for (int l = 0; l < y.length; l++) {
              if (y[l] != mask || !(streams[b][c].uniform(DiffusionDraws.counter(step, l, Kind.UNMASK)) < unmask)) {
                continue;
              }
              outputs.probabilities(b, l, p);
              y[l] = DiffusionDraws.categorical(p, mask, streams[b][c].uniform(DiffusionDraws.counter(step, l, Kind.VALUE)));
            }
            candidates[b][c] = y;
          }
        }
        if (m == 1) {
          for (int b = 0; b < batch; b++) {
            if (candidates[b] != null) {
              commit(b, candidates[b][0], x, left, outputs, mask);
            }
          }
        } else {
          rerank(model, keys, candidates, base.time(step + 1), step, x, left, outputs, fresh, calls, streams, mask, p);
        }
        for (int b = 0; b < batch; b++) {
          if (left[b] == 0) {
            outputs.release(b);
            fresh[b] = false;
          }
        }
      }
      if (base.noiseRemoval()) {
        outputs.refresh(model, x, left, base.time(base.steps()), reuse, fresh, calls, hits);
        for (int b = 0; b < batch; b++) {
          for (int l = 0; l < x[b].length && left[b] > 0; l++) {
            if (x[b][l] == mask) {
              outputs.probabilities(b, l, p);
              x[b][l] = DiffusionDraws.argmax(p, mask);
            }
          }
          left[b] = 0;
        }
      }
    } finally {
      outputs.closeAll();
    }
    List<DiffusionSample> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      out.add(new DiffusionSample(x[b], calls[b], hits[b]));
    }
    return out;
  }

  /** Scores every sequence's candidates (one batched model call for those with masks) and keeps one each. */
  private void rerank(MaskedDenoiser model, List<SequenceKey> keys, int[][][] candidates, double s, int step, int[][] x,
      int[] left, SharedOutputs outputs, boolean[] fresh, int[] calls, KeyedStream[][] streams, int mask, double[] p) {
    int batch = x.length;
    List<int[]> rows = new ArrayList<>();
    int[][] rowOf = new int[batch][];
    double[][] values = new double[batch][];
    for (int b = 0; b < batch; b++) {
      if (candidates[b] == null) {
        continue;
      }
      int m = candidates[b].length;
      rowOf[b] = new int[m];
      values[b] = new double[m];
      for (int c = 0; c < m; c++) {
        if (masks(candidates[b][c], mask) > 0) {
          rowOf[b][c] = rows.size();
          rows.add(candidates[b][c].clone());
        } else {
          rowOf[b][c] = -1;
        }
      }
    }
    DenoiserOutput out = null;
    if (!rows.isEmpty()) {
      double[] times = new double[rows.size()];
      Arrays.fill(times, s);
      out = model.denoise(rows.toArray(new int[0][]), times);
    }
    try {
      // x̂0 of every candidate (masks filled by the argmax), then all of them scored in one batched call
      List<int[]> filled = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        if (candidates[b] == null) {
          continue;
        }
        for (int c = 0; c < candidates[b].length; c++) {
          int r = rowOf[b][c];
          int[] y = candidates[b][c].clone();
          if (r >= 0) {
            for (int l = 0; l < y.length; l++) {
              if (y[l] == mask) {
                out.probabilities(r, l, p);
                y[l] = DiffusionDraws.argmax(p, mask);
              }
            }
            calls[b]++;
          }
          filled.add(y);
        }
      }
      double[] scores = score(filled);
      int k = 0;
      for (int b = 0; b < batch; b++) {
        if (candidates[b] == null) {
          continue;
        }
        for (int c = 0; c < candidates[b].length; c++) {
          values[b][c] = scores[k++];
        }
        int chosen = pick(values[b], streams[b][0], step);
        commit(b, candidates[b][chosen], x, left, outputs, mask);
        if (rowOf[b][chosen] >= 0) {
          outputs.assign(b, out, rowOf[b][chosen]);
          fresh[b] = true;
        }
      }
    } finally {
      if (out != null && !outputs.holds(out)) {
        out.close();
      }
    }
  }

  /** argmax (alpha 0, ties to the smaller index) or a keyed draw with probabilities proportional to exp(v / alpha). */
  private int pick(double[] values, KeyedStream stream, int step) {
    double max = Double.NEGATIVE_INFINITY;
    int best = 0;
    for (int c = 0; c < values.length; c++) {
      if (values[c] > max) {
        max = values[c];
        best = c;
      }
    }
    if (settings.alpha() == 0) {
      return best;
    }
    double[] w = new double[values.length];
    for (int c = 0; c < values.length; c++) {
      w[c] = Math.exp((values[c] - max) / settings.alpha());
    }
    return DiffusionDraws.categorical(w, -1, stream.uniform(DiffusionDraws.counter(step, 0, Kind.SELECT)));
  }

  /** The rewards of {@code rows} in one {@link SequenceReward#rewards} call (it gets copies); each must be finite. */
  private double[] score(List<int[]> rows) {
    int[][] copies = new int[rows.size()][];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = rows.get(i).clone();
    }
    double[] v = reward.rewards(copies);
    if (v == null || v.length != copies.length) {
      throw new IllegalStateException("the reward returned " + (v == null ? "null" : v.length + " values") + " for "
          + copies.length + " sequences");
    }
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalStateException("the reward gave " + v[i] + " for " + Arrays.toString(rows.get(i))
            + "; it must be finite");
      }
    }
    return v;
  }

  private static void commit(int b, int[] y, int[][] x, int[] left, SharedOutputs outputs, int mask) {
    if (!Arrays.equals(y, x[b])) {
      outputs.changed[b] = true;
      x[b] = y;
      left[b] = masks(y, mask);
    }
  }

  private static int masks(int[] row, int mask) {
    int n = 0;
    for (int v : row) {
      if (v == mask) {
        n++;
      }
    }
    return n;
  }
}
