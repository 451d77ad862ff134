package io.sampleforge.diffusion.discrete;

/**
 * The exact output law of MDLM ancestral sampling with an exact Markov-chain denoiser, computed by
 * propagating the distribution over partially masked sequences ((S + 1)^L states) through the
 * steps: in step t -> s each masked position independently unmasks with probability (alpha_s -
 * alpha_t) / (1 - alpha_t), and the positions that unmask draw their values independently from
 * their conditionals given the state before the step; leftover masks take the argmax of their
 * conditional at the end (noise removal). Derived from MDLM's update rule, independently of the
 * sampler's code (which draws through keyed uniforms). Cost: O(steps (S+1)^L 2^L S^L), tiny for S = 3, L = 4.
 */
final class AncestralLaw {
  private AncestralLaw() {}

  static double[] of(MarkovChainDenoiser model, AncestralSettings settings) {
    double[] unmask = new double[settings.steps()];
    for (int step = 0; step < settings.steps(); step++) {
      double at = settings.schedule().alpha(settings.time(step));
      double as = settings.schedule().alpha(settings.time(step + 1));
      unmask[step] = (as - at) / (1 - at);
    }
    return of(model, unmask, settings.noiseRemoval());
  }

  /**
   * The same propagation for any per-step unmasking probabilities (Dream's {@code origin}: 1 - s/t,
   * and 1 in the last step); leftover masks take their argmax when {@code noiseRemoval}.
   */
  static double[] of(MarkovChainDenoiser model, double[] unmask, boolean noiseRemoval) {
    MarkovChain chain = model.chain();
    int s = chain.states();
    int length = chain.length();
    int base = s + 1;
    int states = (int) Math.pow(base, length);
    int[][] rows = new int[states][length];
    for (int c = 0; c < states; c++) {
      int code = c;
      for (int l = length - 1; l >= 0; l--) {
        rows[c][l] = code % base;
        code /= base;
      }
    }
    DenoiserOutput out = model.denoise(rows, new double[states]);
    double[][][] cond = new double[states][length][base];
    for (int c = 0; c < states; c++) {
      for (int l = 0; l < length; l++) {
        if (rows[c][l] == s) {
          out.probabilities(c, l, cond[c][l]);
        }
      }
    }
    double[] dist = new double[states];
    dist[states - 1] = 1; // all masked: every digit is s
    for (double a : unmask) {
      double[] next = new double[states];
      for (int c = 0; c < states; c++) {
        if (dist[c] != 0) {
          spread(c, dist[c], a, rows[c], 0, cond[c], s, base, next);
        }
      }
      dist = next;
    }
    double[] law = new double[(int) Math.pow(s, length)];
    for (int c = 0; c < states; c++) {
      if (dist[c] == 0) {
        continue;
      }
      int idx = 0;
      for (int l = 0; l < length; l++) {
        int v = rows[c][l];
        if (v == s) {
          if (!noiseRemoval) {
            throw new IllegalArgumentException("leftover masks need noise removal for a law over complete sequences");
          }
          v = DiffusionDraws.argmax(cond[c][l], s);
        }
        idx = idx * s + v;
      }
      law[idx] += dist[c];
    }
    return law;
  }

  /** Adds mass to every successor of {@code row} over positions l.. (each masked one stays or takes a value). */
  private static void spread(int code, double mass, double a, int[] row, int l, double[][] cond, int s, int base,
      double[] next) {
    if (l == row.length) {
      int c = 0;
      for (int v : row) {
        c = c * base + v;
      }
      next[c] += mass;
      return;
    }
    if (row[l] != s) {
      spread(code, mass, a, row, l + 1, cond, s, base, next);
      return;
    }
    int[] copy = row.clone();
    spread(code, mass * (1 - a), a, copy, l + 1, cond, s, base, next);
    for (int v = 0; v < s; v++) {
      double w = mass * a * cond[l][v];
      if (w != 0) {
        copy[l] = v;
        spread(code, w, a, copy, l + 1, cond, s, base, next);
      }
    }
  }
}
