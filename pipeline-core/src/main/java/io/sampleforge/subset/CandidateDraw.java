package io.sampleforge.subset;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;

/**
 * The approximation mode's candidate set for one step: a uniform random subset of {@code m} of the
 * remaining items, drawn as the m smallest keyed priorities {@code bits(step, item key)} of a
 * {@link KeyedStream} (seed, RandomPurpose.GME_CANDIDATES, stratum key). The draw is reproducible from the
 * seed and independent of partitioning and threads. The reference ({@code random.sample}) is
 * unseeded. With L remaining items the subset contains at least one of the current top n with
 * probability 1 - C(L-n, m) / C(L, m). Cost: O(L) per step (one hash per remaining item and a
 * quickselect).
 */
final class CandidateDraw {
  private final KeyedStream stream;

  CandidateDraw(long seed, long stratumKey) {
    this.stream = KeyedStream.of(seed, RandomPurpose.GME_CANDIDATES, stratumKey);
  }

  /** Indices (ascending) of the m drawn items among those not removed; all of them when m >= remaining. */
  int[] draw(long step, ItemCorpus corpus, boolean[] removed, int remaining, int m) {
    int[] idx = new int[remaining];
    long[] pr = new long[remaining];
    int r = 0;
    for (int d = 0; d < removed.length; d++) {
      if (!removed[d]) {
        idx[r] = d;
        pr[r] = stream.bits(Hash64.combine(step, corpus.itemKey(d))) >>> 1;
        r++;
      }
    }
    if (m >= remaining) {
      return idx;
    }
    long threshold = select(pr.clone(), m - 1);
    int below = 0;
    for (long p : pr) {
      if (p < threshold) {
        below++;
      }
    }
    int atThreshold = m - below;
    int[] out = new int[m];
    int o = 0;
    for (int i = 0; i < remaining; i++) {
      if (pr[i] < threshold || (pr[i] == threshold && atThreshold-- > 0)) {
        out[o++] = idx[i];
      }
    }
    return out;
  }

  /** The k-th smallest (0-based) value of a, by Hoare quickselect with a median-of-three pivot (permutes a). */
  static long select(long[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      long pivot = median(a[lo], a[mid], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static long median(long a, long b, long c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
