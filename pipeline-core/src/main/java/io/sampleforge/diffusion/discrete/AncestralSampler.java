package io.sampleforge.diffusion.discrete;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.List;

/**
 * MDLM's ancestral sampler (Sahoo et al., "Simple and Effective Masked Diffusion Language Models",
 * NeurIPS 2024; kuleshov-group/mdlm {@code diffusion.py::_ddpm_caching_update}). Over the times
 * linspace(1, eps, steps + 1), each step t -> s draws, for every masked position, q(v) proportional
 * to p(v)(alpha_s - alpha_t) for real tokens v and q(mask) proportional to 1 - alpha_s; unmasked
 * tokens are copied. The draw is made in two keyed float64 stages with the same law: unmask with
 * probability (alpha_s - alpha_t)/(1 - alpha_t), then the value from p by inverse CDF.
 *
 * <p>Options: {@code cache} (MDLM's {@code ddpm_cache}) reuses a sequence's last model output when
 * none of its tokens changed since and the model is not time-conditioned, counting the saved call;
 * {@code noise_removal} gives positions still masked after the last step the argmax of their
 * conditional (MDLM calls the model once more for it; here only when masks remain, or reuses the
 * cache). A sequence with no masked position left is not sent to the model again.
 *
 * <p>Exactness: with an exact model the law is exact only when no two positions unmask in one step;
 * positions that unmask together are drawn independently given the state (a factorisation error that
 * shrinks as steps grow). The {@link FirstHittingSampler} is exact at L model calls. Cost: per step,
 * one model call for the sequences without a valid cache, plus O(L) uniforms and O(V) per unmasked
 * position.
 */
public final class AncestralSampler implements MaskedDiffusionSampler {
  private final AncestralSettings settings;
  private final DiffusionDraws draws;

  public AncestralSampler(AncestralSettings settings, long seed) {
    this.settings = settings;
    this.draws = new DiffusionDraws(seed);
  }

  public AncestralSettings settings() {
    return settings;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    int[][] x = SamplerInputs.check(model, keys, initial);
    int batch = x.length;
    int mask = model.maskId();
    int vocab = model.vocabularySize();
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
    int[] hits = new int[batch];
    boolean reuse = settings.cache() && !model.timeConditioned();
    SharedOutputs outputs = new SharedOutputs(batch);
    double[] p = new double[vocab];
    MaskSchedule schedule = settings.schedule();
    try {
      for (int step = 0; step < settings.steps(); step++) {
        double t = settings.time(step);
        double alphaT = schedule.alpha(t);
        double alphaS = schedule.alpha(settings.time(step + 1));
        double unmask = (alphaS - alphaT) / (1 - alphaT);
        outputs.refresh(model, x, left, t, reuse, null, calls, hits);
        for (int b = 0; b < batch; b++) {
          if (left[b] == 0) {
            continue;
          }
          for (int l = 0; l < x[b].length; l++) {
            if (x[b][l] != mask || !(streams[b].uniform(DiffusionDraws.counter(step, l, Kind.UNMASK)) < unmask)) {
              continue;
            }
            outputs.probabilities(b, l, p);
            x[b][l] = DiffusionDraws.categorical(p, mask, streams[b].uniform(DiffusionDraws.counter(step, l, Kind.VALUE)));
            outputs.changed[b] = true;
            left[b]--;
          }
          if (left[b] == 0) {
            outputs.release(b);
          }
        }
      }
      if (settings.noiseRemoval()) {
        outputs.refresh(model, x, left, settings.time(settings.steps()), reuse, null, calls, hits);
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
}
