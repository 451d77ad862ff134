package io.sampleforge.diffusion.discrete;

/**
 * The exact masked denoiser of a {@link MarkovChain}: states 0..S-1 are tokens, S is the mask id
 * (V = S + 1). For a masked position l whose nearest unmasked neighbours are a at i < l and b at
 * j > l, p(x_l = v) is proportional to (P^(l-i))[a][v] (P^(j-l))[v][b]; with no left neighbour the
 * first factor is the marginal (pi P^l)[v] (0-based l), with no right neighbour the second factor
 * is dropped. This is the Markov property: x_l depends on the rest only through a and b. It needs
 * no time (not time-conditioned) and no files, which makes it the reference model of the exact-law
 * tests and benchmarks. Cost per call: O(B L S) after the chain's precomputed powers.
 */
public final class MarkovChainDenoiser implements MaskedDenoiser {
  private final MarkovChain chain;

  public MarkovChainDenoiser(MarkovChain chain) {
    this.chain = chain;
  }

  public MarkovChain chain() {
    return chain;
  }

  @Override
  public int vocabularySize() {
    return chain.states() + 1;
  }

  @Override
  public int maskId() {
    return chain.states();
  }

  @Override
  public boolean timeConditioned() {
    return false;
  }

  @Override
  public DenoiserOutput denoise(int[][] tokens, double[] times) {
    int batch = tokens.length;
    int length = chain.length();
    int s = chain.states();
    int vocab = s + 1;
    int mask = s;
    if (times != null && times.length != batch) {
      throw new IllegalArgumentException(batch + " rows but " + times.length + " times");
    }
    double[] data = new double[batch * length * vocab];
    int[] right = new int[length];
    for (int b = 0; b < batch; b++) {
      int[] row = tokens[b];
      if (row.length != length) {
        throw new IllegalArgumentException("row " + b + " has length " + row.length + ", the chain has length " + length);
      }
      int next = length;
      for (int l = length - 1; l >= 0; l--) {
        int v = row[l];
        if (v < 0 || v > mask) {
          throw new IllegalArgumentException("row " + b + " position " + l + " holds id " + v + ", outside [0, " + vocab + ")");
        }
        right[l] = next;
        if (v != mask) {
          next = l;
        }
      }
      int left = -1;
      for (int l = 0; l < length; l++) {
        int base = (b * length + l) * vocab;
        if (row[l] != mask) {
          data[base + row[l]] = 1;
          left = l;
          continue;
        }
        double[] first = left < 0 ? chain.marginalView(l) : chain.powerRow(l - left, row[left]);
        int j = right[l];
        double sum = 0;
        for (int v = 0; v < s; v++) {
          double w = first[v] * (j < length ? chain.power(j - l, v, row[j]) : 1.0);
          data[base + v] = w;
          sum += w;
        }
        if (!(sum > 0)) {
          throw new IllegalArgumentException("row " + b + ": its unmasked tokens have probability zero under the chain,"
              + " so position " + l + " has no consistent value");
        }
        for (int v = 0; v < s; v++) {
          data[base + v] /= sum;
        }
      }
    }
    return new DenseProbabilities(data, batch, length, vocab);
  }
}
