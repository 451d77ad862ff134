package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Dream's diffusion sampler (Ye et al., "Dream 7B", 2025; Dream-org Dream-v0 {@code
 * generation_utils.py}, {@code DreamGenerationMixin._sample} and {@code sample_tokens}). Over the
 * times linspace(1, eps, steps + 1), step i goes from t to s; every masked position of a row (the
 * whole row: Dream has no blocks) reads the tempered conditional p_T (softmax(logits / T); T = 0:
 * the plain softmax, the value is its argmax; T > 0: a keyed float64 inverse-CDF draw from p_T).
 * With {@code top_p} < 1 or {@code top_k} > 0, p_T is then warped by Dream's rules ({@link
 * DreamWarpers}; Dream {@code sample_tokens}: temperature, top-p, top-k, softmax) at every
 * temperature, and everything below reads the warped p_T: the draw, and the confidences (so at T = 0
 * the value is still the argmax, but maskgit_plus's confidence is the warped top probability and
 * topk_margin and entropy are computed on the warped distribution, as in Dream).
 * <ul>
 *   <li>{@code alg: origin}: each masked position unmasks with probability 1 - s/t (1 in the last
 *       step) by a keyed uniform and takes its value from p_T: MDLM's ancestral update under the
 *       linear schedule alpha = 1 - t.</li>
 *   <li>{@code maskgit_plus}, {@code topk_margin}, {@code entropy}: the step commits k = int(n (1 -
 *       s/t)) of the row's n masked positions (all of them in the last step), those with the largest
 *       confidence ({@link DreamAlgorithm}; ties to the smaller position); with {@code alg_temp} > 0
 *       the k positions are drawn without replacement from softmax(confidence / alg_temp) (torch.
 *       multinomial's sequential law), by keyed uniforms.</li>
 * </ul>
 * Committed tokens never change.
 *
 * <p>Differences from the reference: the count n is the row's own (Dream divides the batch's total
 * by the batch size, which differs when rows hold different numbers of masks) and s/t is computed
 * in float64 (Dream: float32), so a row never depends on its batch; a step that commits nothing
 * makes no model call (Dream calls the model every step); the mask column is excluded (SUBS).
 * Dream's Hugging Face model predicts position l at output l - 1 (its logits are shifted right by one
 * in {@code _sample}): that is a property of that model's output and belongs in the model adapter
 * that implements {@link MaskedDenoiser}, which must return position l's conditional at l.
 *
 * <p>Model calls (NFE): one per step in which the row commits at least one token, at most {@code
 * steps}. Exactness with an exact model: origin has the ancestral sampler's factorisation error
 * (positions unmasking in one step are drawn independently); topk_margin and entropy choose the
 * positions from the state alone, so they would be exact at one token per step, but Dream's count
 * int(n (1 - s/t)) always has a step, usually the last, that commits two or more (lengths 2 to 64,
 * steps up to 500); maskgit_plus selects on the drawn value and is biased even at one token per
 * step (shared/notes/samplers.md, "Checked fact"). Cost per step and row: O(V) per masked position read
 * (O(V log V) with top-p or top-k), a sort of the masked positions.
 */
public final class DreamSampler implements MaskedDiffusionSampler {
  private final DreamSettings settings;
  private final DiffusionDraws draws;

  public DreamSampler(DreamSettings settings, long seed) {
    this.settings = settings;
    this.draws = new DiffusionDraws(seed);
  }

  public DreamSettings settings() {
    return settings;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    int length = batch == 0 ? 0 : x[0].length;
    KeyedStream[] streams = new KeyedStream[batch];
    int[] left = new int[batch];
    for (int b = 0; b < batch; b++) {
      streams[b] = draws.stream(keys.get(b));
      for (int v : x[b]) {
        if (v == mask) {
          left[b]++;
        }
      }
    }
    int[] calls = new int[batch];
    double[] p = new double[model.vocabularySize()];
    double[] confidence = new double[length];
    boolean[] eligible = new boolean[length];
    int[] value = new int[length];
    DreamAlgorithm alg = settings.alg();
    for (int step = 0; step < settings.steps(); step++) {
      List<Integer> active = new ArrayList<>();
      List<int[]> chosen = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        if (left[b] == 0) {
          continue;
        }
        if (alg == DreamAlgorithm.ORIGIN) {
          double unmask = settings.unmaskProbability(step);
          int[] picks = new int[left[b]];
          int n = 0;
          for (int l = 0; l < length; l++) {
            if (x[b][l] == mask && streams[b].uniform(DiffusionDraws.counter(step, l, Kind.UNMASK)) < unmask) {
              picks[n++] = l;
            }
          }
          if (n > 0) {
            active.add(b);
            chosen.add(java.util.Arrays.copyOf(picks, n));
          }
        } else if (settings.transferCount(left[b], step) > 0) {
          active.add(b);
          chosen.add(null);
        }
      }
      if (active.isEmpty()) {
        continue;
      }
      int[][] rows = new int[active.size()][];
      double[] times = new double[active.size()];
      for (int r = 0; r < rows.length; r++) {
        rows[r] = x[active.get(r)].clone();
        times[r] = settings.time(step);
      }
      try (DenoiserOutput out = model.denoise(rows, times)) {
        for (int r = 0; r < rows.length; r++) {
          int b = active.get(r);
          int[] picks = chosen.get(r);
          if (picks != null) {
            for (int l : picks) {
              value[l] = draw(out, r, l, p, mask, streams[b], step);
            }
          } else {
            int k = settings.transferCount(left[b], step);
            for (int l = 0; l < length; l++) {
              eligible[l] = x[b][l] == mask;
              value[l] = -1;
              if (!eligible[l]) {
                continue;
              }
              if (alg == DreamAlgorithm.MASKGIT_PLUS) {
                value[l] = draw(out, r, l, p, mask, streams[b], step);
                confidence[l] = p[value[l]];
              } else {
                read(out, r, l, p, mask);
                confidence[l] = alg == DreamAlgorithm.TOPK_MARGIN ? Confidences.margin(p) : Confidences.negativeEntropy(p);
              }
            }
            picks = settings.algTemp() == 0 ? Confidences.topK(confidence, eligible, k)
                : sampleWithoutReplacement(confidence, eligible, k, streams[b], step);
            for (int l : picks) {
              if (value[l] < 0) {
                value[l] = draw(out, r, l, p, mask, streams[b], step);
              }
            }
          }
          for (int l : picks) {
            x[b][l] = value[l];
          }
          left[b] -= picks.length;
          calls[b]++;
        }
      }
    }
    List<DiffusionSample> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      out.add(new DiffusionSample(x[b], calls[b], 0));
    }
    return out;
  }

  /** Reads position l's conditional into p, tempered and then warped by top-p / top-k (when set). */
  private void read(DenoiserOutput out, int row, int l, double[] p, int mask) {
    out.probabilities(row, l, p);
    Confidences.temper(p, settings.temperature());
    if (settings.warps()) {
      DreamWarpers.apply(p, mask, settings.topP(), settings.topK());
    }
  }

  /** Reads position l's warped conditional into p and draws its value (T = 0: the argmax). */
  private int draw(DenoiserOutput out, int row, int l, double[] p, int mask, KeyedStream stream, int step) {
    read(out, row, l, p, mask);
    return settings.temperature() == 0 ? DiffusionDraws.argmax(p, mask)
        : DiffusionDraws.categorical(p, mask, stream.uniform(DiffusionDraws.counter(step, l, Kind.VALUE)));
  }

  /**
   * k eligible positions drawn one after another without replacement, each with probability
   * proportional to exp((confidence - max) / alg_temp) among those left (torch.multinomial without
   * replacement), by the keyed uniform of pick j. Positions whose weight underflows to 0 follow in
   * descending confidence once the positive weights are used up.
   */
  private int[] sampleWithoutReplacement(double[] confidence, boolean[] eligible, int k, KeyedStream stream, int step) {
    double max = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < confidence.length; l++) {
      if (eligible[l]) {
        max = Math.max(max, confidence[l]);
      }
    }
    double[] weight = new double[confidence.length];
    for (int l = 0; l < confidence.length; l++) {
      weight[l] = eligible[l] ? Math.exp((confidence[l] - max) / settings.algTemp()) : 0;
    }
    boolean[] left = eligible.clone();
    int[] picks = new int[k];
    for (int j = 0; j < k; j++) {
      double total = 0;
      for (int l = 0; l < weight.length; l++) {
        if (left[l]) {
          total += weight[l];
        }
      }
      int pick = -1;
      if (total > 0) {
        double target = stream.uniform(DiffusionDraws.counter(step, j, Kind.POSITION)) * total;
        double cumulative = 0;
        for (int l = 0; l < weight.length; l++) {
          if (!left[l] || !(weight[l] > 0)) {
            continue;
          }
          pick = l; // the last positive entry, should rounding leave the target unreached
          cumulative += weight[l];
          if (cumulative > target) {
            break;
          }
        }
      } else {
        pick = Confidences.topK(confidence, left, 1)[0];
      }
      picks[j] = pick;
      left[pick] = false;
    }
    return picks;
  }
}
