package io.sampleforge.diffusion.discrete;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Which model output (and row of it) each sequence reads, with reference counts so outputs are closed once. */
final class SharedOutputs {
  final DenoiserOutput[] source;
  final int[] row;
  final boolean[] changed;
  private final Map<DenoiserOutput, Integer> references = new IdentityHashMap<>();

  SharedOutputs(int batch) {
    source = new DenoiserOutput[batch];
    row = new int[batch];
    changed = new boolean[batch];
  }

  void probabilities(int b, int l, double[] p) {
    source[b].probabilities(row[b], l, p);
  }

  void assign(int b, DenoiserOutput out, int r) {
    release(b);
    source[b] = out;
    row[b] = r;
    changed[b] = false;
    references.merge(out, 1, Integer::sum);
  }

  void release(int b) {
    DenoiserOutput old = source[b];
    if (old == null) {
      return;
    }
    source[b] = null;
    int n = references.merge(old, -1, Integer::sum);
    if (n == 0) {
      references.remove(old);
      old.close();
    }
  }

  /**
   * Gives every sequence with masks left a current model output: one computed on this very input and
   * time already ({@code fresh}, may be null; cleared as it is used), its cache when {@code reuse} and
   * nothing changed (a cache hit), or a row of one new batched call (a model call).
   */
  void refresh(MaskedDenoiser model, int[][] x, int[] left, double t, boolean reuse, boolean[] fresh,
      int[] calls, int[] hits) {
    List<Integer> need = new ArrayList<>();
    for (int b = 0; b < x.length; b++) {
      if (left[b] == 0) {
        continue;
      }
      if (fresh != null && fresh[b]) {
        fresh[b] = false;
      } else if (reuse && source[b] != null && !changed[b]) {
        hits[b]++;
      } else {
        need.add(b);
      }
    }
    if (need.isEmpty()) {
      return;
    }
    int[][] rows = new int[need.size()][];
    double[] times = new double[need.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = x[need.get(i)].clone();
      times[i] = t;
    }
    DenoiserOutput out = model.denoise(rows, times);
    for (int i = 0; i < rows.length; i++) {
      int b = need.get(i);
      assign(b, out, i);
      calls[b]++;
    }
  }

  /** Whether some sequence reads {@code out}. */
  boolean holds(DenoiserOutput out) {
    return references.containsKey(out);
  }

  void closeAll() {
    for (DenoiserOutput out : references.keySet()) {
      out.close();
    }
    references.clear();
  }
}
