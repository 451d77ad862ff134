package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The first-hitting sampler (FHS) of Zheng et al., "Masked Diffusion Models are Secretly
 * Time-Agnostic Masked Models and Exploit Inaccurate Categorical Sampling" (arXiv 2409.02908, ICLR
 * 2025); the anchor implementation is kuleshov-group/bd3lms {@code diffusion.py}
 * ({@code sampling.first_hitting}). From time t with n masked positions, the next time a token
 * unmasks is tau = alpha^-1(1 - (1 - alpha_t) u^(1/n)) (u uniform; tau = t u^(1/n) for log-linear);
 * the model is called once at tau, one masked position is chosen uniformly and its value drawn
 * from its conditional. With an exact model this is the reverse process exactly, in random order,
 * one token per model call: exact in distribution at n calls for n masks. The schedule only sets
 * the times a time-conditioned model sees; for a time-agnostic model the output does not depend on
 * it.
 *
 * <p>With {@code tokens_per_step} k > 1, each call commits min(k, n) uniformly chosen distinct
 * positions, each drawn from its own conditional given the state before the call (the times advance
 * by k events; the model sees the first). That is approximate: positions committed together are
 * independent given the state, which is wrong whenever they are dependent (a factorisation error
 * the exact-law tests detect). Cost: ceil(n / k) model calls, O(n) uniforms and O(V) per token.
 */
public final class FirstHittingSampler implements MaskedDiffusionSampler {
  private final FirstHittingSettings settings;
  private final DiffusionDraws draws;

  public FirstHittingSampler(FirstHittingSettings settings, long seed) {
    this.settings = settings;
    this.draws = new DiffusionDraws(seed);
  }

  public FirstHittingSettings settings() {
    return settings;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    MaskSchedule schedule = settings.schedule();
    KeyedStream[] streams = new KeyedStream[batch];
    int[][] masked = new int[batch][];
    int[] left = new int[batch];
    double[] time = new double[batch];
    int[] calls = new int[batch];
    for (int b = 0; b < batch; b++) {
      streams[b] = draws.stream(keys.get(b));
      int[] positions = new int[x[b].length];
      for (int l = 0; l < x[b].length; l++) {
        if (x[b][l] == mask) {
          positions[left[b]++] = l;
        }
      }
      masked[b] = positions;
      time[b] = 1;
    }
    double[] p = new double[model.vocabularySize()];
    for (int step = 0; ; step++) {
      List<Integer> active = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        if (left[b] > 0) {
          active.add(b);
        }
      }
      if (active.isEmpty()) {
        break;
      }
      int[][] rows = new int[active.size()][];
      double[] modelTimes = new double[active.size()];
      double[] nextTimes = new double[active.size()];
      for (int i = 0; i < rows.length; i++) {
        int b = active.get(i);
        rows[i] = x[b].clone();
        int k = Math.min(settings.tokensPerStep(), left[b]);
        double t = time[b];
        for (int j = 0; j < k; j++) {
          double u = streams[b].openUniform(DiffusionDraws.counter(step, j, Kind.TIME));
          t = schedule.time(1 - (1 - schedule.alpha(t)) * Math.pow(u, 1.0 / (left[b] - j)));
          if (j == 0) {
            modelTimes[i] = t;
          }
        }
        nextTimes[i] = t;
      }
      try (DenoiserOutput out = model.denoise(rows, modelTimes)) {
        for (int i = 0; i < rows.length; i++) {
          int b = active.get(i);
          int k = Math.min(settings.tokensPerStep(), left[b]);
          int[] chosen = new int[k];
          for (int j = 0; j < k; j++) {
            int pick = streams[b].nextIndex(DiffusionDraws.counter(step, j, Kind.POSITION), left[b] - j);
            chosen[j] = masked[b][pick];
            System.arraycopy(masked[b], pick + 1, masked[b], pick, left[b] - j - pick - 1);
          }
          // every value is drawn from the output of the state before this call (all reads precede the writes)
          int[] values = new int[k];
          for (int j = 0; j < k; j++) {
            out.probabilities(i, chosen[j], p);
            values[j] = DiffusionDraws.categorical(p, mask,
                streams[b].uniform(DiffusionDraws.counter(step, chosen[j], Kind.VALUE)));
          }
          for (int j = 0; j < k; j++) {
            x[b][chosen[j]] = values[j];
          }
          left[b] -= k;
          time[b] = nextTimes[i];
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
}
