package io.sampleforge.diffusion.discrete;

import java.util.IdentityHashMap;
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
