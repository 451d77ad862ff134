package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.List;

/**
 * ODD's repulsion of the samples of one prompt (sean-lamont/odd {@code strategies.py::ODDStrategy}
 * with {@code feature_extractor.py}, pooling max, kernel target logits), in closed form and float64.
 *
 * <p>A sample is its generated span: tokens t_l, and for each masked position l the distribution
 * P_l = softmax(z_l) over the columns where it is positive (z_l are the logits; the mask column and
 * zero columns have logit -inf and stay out). Its feature is f_v = max_l Q_lv with Q_l = P_l at a
 * masked position and the one-hot of t_l at an unmasked one; v = f / ||f||. Its quality is q = (1/M)
 * sum over the M masked positions of max_v P_lv. In sample order k = 0, 1, ...: r_k = v_k minus its
 * projections on d_0..d_{k-1} (modified Gram-Schmidt), d_k = r_k / ||r_k|| when ||r_k|| > 1e-6
 * (otherwise no direction is added and sample k gets no loss), and loss_k = -s q_k <v_k, d_k> for k
 * with at least one earlier direction (sample 0 of a group has no loss and is never moved; its
 * direction is d_0 = v_0). As in the reference, d_k is computed without gradient (torch.no_grad):
 * it is a constant of the differentiation, so loss_k depends only on sample k's logits.
 *
 * <p>Confidence weighting ({@link OddSettings#confidenceWeighting()}; the reference's {@code
 * use_confidence_weighting}, default true, in {@code feature_extractor.py::FeatureExtractor.extract}):
 * true uses q as above, not detached, so its gradient sharpens every masked position towards its
 * argmax; false sets q = 1 for every sample (the reference's {@code quality = torch.ones(batch)}), a
 * constant: loss_k = -s <v_k, d_k> and the dq/dz term below vanishes. s then only scales a gradient
 * that the per-sample normalisation removes again (s = 0 still means no move).
 *
 * <p>The gradient of loss_k = -s q A, A = <f, d> / ||f||, with respect to z_lw (l masked), by hand:
 * <ul>
 *   <li>dA/df_v = (d_v - A u_v) / ||f||, u = f / ||f||;</li>
 *   <li>df_v/dP_lv = 1 when l is the position the max-pool picked for column v (the first position
 *       holding the maximum, as torch.max), else 0; so with a_lv = [pick(v) = l] dA/df_v, the chain
 *       through the softmax Jacobian dP_lv/dz_lw = P_lv (delta_vw - P_lw) gives dA/dz_lw = P_lw
 *       (a_lw - sum_v a_lv P_lv);</li>
 *   <li>dq/dz_lw = (1/M) P_lm (delta_mw - P_lw), m = the argmax of P_l (first on ties);</li>
 *   <li>dloss_k/dz_lw = -s (q dA/dz_lw + A dq/dz_lw) with confidence weighting, -s dA/dz_lw without.</li>
 * </ul>
 * Then the protected columns (EOS, PAD) are zeroed, the sample's gradient is divided by
 * max(max_l ||g_l||, 1e-8) (the reference's per-sample normalisation), and the distribution becomes
 * softmax(z - alpha_i g), i.e. P_lw exp(-alpha_i g_lw) renormalised. Cost per sample: O(L V) for the
 * feature, quality, gradient and update, O(k V) for the Gram-Schmidt step.
 */
final class OddRepulsion {
  /** The reference's threshold below which a residual gives no direction. */
  static final double MIN_RESIDUAL = 1e-6;
  /** The reference's lower clamp of the normalising gradient norm. */
  static final double MIN_NORM = 1e-8;

  private OddRepulsion() {}

  /**
   * One sample's span: {@code tokens[l]} its tokens (the mask id where masked), {@code probs[l]} the
   * distribution of a masked position (null at an unmasked one), all of length V.
   */
  record Member(int[] tokens, double[][] probs) {}

  /** The max-pooled feature f (not normalised) and, in {@code pick[v]}, the position each column was taken from. */
  static double[] feature(Member m, int vocab, int[] pick) {
    double[] f = new double[vocab];
    java.util.Arrays.fill(pick, -1);
    for (int l = 0; l < m.tokens.length; l++) {
      double[] p = m.probs[l];
      for (int v = 0; v < vocab; v++) {
        double q = p != null ? p[v] : (m.tokens[l] == v ? 1 : 0);
        if (pick[v] < 0 || q > f[v]) {
          f[v] = q;
          pick[v] = l;
        }
      }
    }
    return f;
  }

  /** The mean over masked positions of the largest probability; 0 without masked positions. */
  static double quality(Member m) {
    double sum = 0;
    int masked = 0;
    for (double[] p : m.probs) {
      if (p != null) {
        masked++;
        sum += p[argmax(p)];
      }
    }
    return sum / Math.max(masked, 1);
  }

  static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** loss = -s q <f / ||f||, d> of one sample against a fixed direction d; q = 1 when {@code weighted} is false. */
  static double loss(Member m, double[] d, double scale, boolean weighted, int vocab) {
    double[] f = feature(m, vocab, new int[vocab]);
    double nf = norm(f);
    double dot = 0;
    for (int v = 0; v < vocab; v++) {
      dot += f[v] * d[v];
    }
    return -scale * (weighted ? quality(m) : 1) * dot / nf;
  }

  /** d loss / d z at every masked position (null rows at unmasked ones), by the closed form above. */
  static double[][] gradient(Member m, double[] d, double scale, boolean weighted, int vocab) {
    int[] pick = new int[vocab];
    double[] f = feature(m, vocab, pick);
    double nf = norm(f);
    double a = 0;
    for (int v = 0; v < vocab; v++) {
      a += f[v] * d[v];
    }
    a /= nf;
    double q = quality(m);
    int masked = 0;
    for (double[] p : m.probs) {
      if (p != null) {
        masked++;
      }
    }
    double[] dAdf = new double[vocab];
    for (int v = 0; v < vocab; v++) {
      dAdf[v] = (d[v] - a * f[v] / nf) / nf;
    }
    double[][] g = new double[m.tokens.length][];
    double[] al = new double[vocab];
    for (int l = 0; l < m.tokens.length; l++) {
      double[] p = m.probs[l];
      if (p == null) {
        continue;
      }
      double mean = 0;
      for (int v = 0; v < vocab; v++) {
        al[v] = pick[v] == l ? dAdf[v] : 0;
        mean += al[v] * p[v];
      }
      int top = argmax(p);
      double[] row = new double[vocab];
      for (int w = 0; w < vocab; w++) {
        double dA = p[w] * (al[w] - mean);
        if (weighted) {
          double dq = p[top] * ((w == top ? 1 : 0) - p[w]) / masked;
          row[w] = -scale * (q * dA + a * dq);
        } else {
          row[w] = -scale * dA;
        }
      }
      g[l] = row;
    }
    return g;
  }

  /**
   * Repels the members of one group, given in sample order, in place: every member with a loss
   * gets its masked distributions replaced by softmax(z - alphaStep g) with g its normalised
   * gradient. Directions and gradients all come from the unmoved distributions (one autograd call
   * in the reference). {@code weighted}: confidence weighting (q as defined above, or q = 1).
   */
  static void repel(List<Member> group, double alphaStep, double scale, boolean weighted, int[] protectedIds,
      int vocab) {
    List<double[]> basis = new ArrayList<>();
    List<double[][]> gradients = new ArrayList<>();
    for (Member m : group) {
      double[] f = feature(m, vocab, new int[vocab]);
      double nf = norm(f);
      double[] resid = new double[vocab];
      for (int v = 0; v < vocab; v++) {
        resid[v] = f[v] / nf;
      }
      for (double[] b : basis) {
        double proj = 0;
        for (int v = 0; v < vocab; v++) {
          proj += resid[v] * b[v];
        }
        for (int v = 0; v < vocab; v++) {
          resid[v] -= proj * b[v];
        }
      }
      double nr = norm(resid);
      double[] direction = null;
      if (nr > MIN_RESIDUAL) {
        direction = resid;
        for (int v = 0; v < vocab; v++) {
          direction[v] /= nr;
        }
      }
      gradients.add(!basis.isEmpty() && direction != null ? gradient(m, direction, scale, weighted, vocab) : null);
      if (direction != null) {
        basis.add(direction);
      }
    }
    for (int k = 0; k < group.size(); k++) {
      double[][] g = gradients.get(k);
      if (g != null) {
        move(group.get(k), g, alphaStep, protectedIds, vocab);
      }
    }
  }

  private static void move(Member m, double[][] g, double alphaStep, int[] protectedIds, int vocab) {
    double max = 0;
    for (double[] row : g) {
      if (row == null) {
        continue;
      }
      for (int id : protectedIds) {
        if (id < vocab) {
          row[id] = 0;
        }
      }
      max = Math.max(max, norm(row));
    }
    double scale = alphaStep / Math.max(max, MIN_NORM);
    for (int l = 0; l < g.length; l++) {
      double[] p = m.probs[l];
      if (p == null) {
        continue;
      }
      double top = Double.NEGATIVE_INFINITY;
      double[] z = new double[vocab];
      for (int v = 0; v < vocab; v++) {
        z[v] = p[v] > 0 ? Math.log(p[v]) - scale * g[l][v] : Double.NEGATIVE_INFINITY;
        top = Math.max(top, z[v]);
      }
      double sum = 0;
      for (int v = 0; v < vocab; v++) {
        z[v] = z[v] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(z[v] - top);
        sum += z[v];
      }
      for (int v = 0; v < vocab; v++) {
        p[v] = z[v] / sum;
      }
    }
  }

  private static int argmax(double[] p) {
    int best = 0;
    for (int v = 1; v < p.length; v++) {
      if (p[v] > p[best]) {
        best = v;
      }
    }
    return best;
  }
}
