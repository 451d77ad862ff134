package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A first-order Markov chain over states 0..S-1 of fixed length L: x_0 ~ pi, x_l | x_(l-1) ~
 * P[x_(l-1)]. Its masked conditionals are exact in closed form (the discrete oracle of "Is Your
 * Diffusion Sampler Actually Correct?", arXiv 2602.19619; {@link MarkovChainDenoiser}), so sampler
 * laws can be tested against {@link #sequenceLaw()} and {@link #pairMarginal(int, int)}.
 *
 * <p>Parameters are validated with the config keys {@code model.initial}, {@code model.transitions}
 * and {@code model.length}: finite, non-negative, every row of P and pi summing to 1 within {@link
 * #TOLERANCE}, sizes agreeing, L >= 1. Cost: the powers P^0..P^(L-1) and marginals pi P^l are
 * precomputed, O(L S^3) time and O(L S^2) memory (bounded by {@link #MAX_POWER_ENTRIES}).
 */
public final class MarkovChain implements Serializable {
  private static final long serialVersionUID = 1L;
  /** How far pi and each row of P may sum from 1. */
  public static final double TOLERANCE = 1e-9;
  /** The most doubles the precomputed powers may hold (L * S^2). */
  public static final long MAX_POWER_ENTRIES = 1L << 24;

  private final double[] initial;
  private final double[][] transitions;
  private final int length;
  private final double[][][] powers;
  private final double[][] marginals;

  public MarkovChain(double[] initial, double[][] transitions, int length) {
    if (transitions == null || transitions.length == 0) {
      throw ConfigException.of("model.transitions", "must be a non-empty square matrix (one row per state)",
          transitions == null ? "null" : "[]");
    }
    int s = transitions.length;
    for (int r = 0; r < s; r++) {
      double[] row = transitions[r];
      if (row == null || row.length != s) {
        throw ConfigException.of("model.transitions", "row " + r + " must have " + s + " entries (one per state)",
            row == null ? "null" : Arrays.toString(row));
      }
      checkDistribution("model.transitions", "row " + r + " ", row);
    }
    if (initial == null || initial.length != s) {
      throw ConfigException.of("model.initial", "must have one probability per state (" + s + ")",
          initial == null ? "null" : Arrays.toString(initial));
    }
    checkDistribution("model.initial", "", initial);
    if (length < 1) {
      throw ConfigException.of("model.length", "must be >= 1", length);
    }
    if ((long) length * s * s > MAX_POWER_ENTRIES) {
      throw ConfigException.of("model.length", "times states^2 must be at most " + MAX_POWER_ENTRIES
          + " (the precomputed powers P^0..P^(length-1)); states " + s, length);
    }
    this.initial = initial.clone();
    this.transitions = new double[s][];
    for (int r = 0; r < s; r++) {
      this.transitions[r] = transitions[r].clone();
    }
    this.length = length;
    this.powers = new double[length][][];
    this.marginals = new double[length][];
    double[][] identity = new double[s][s];
    for (int i = 0; i < s; i++) {
      identity[i][i] = 1;
    }
    powers[0] = identity;
    marginals[0] = this.initial.clone();
    for (int k = 1; k < length; k++) {
      powers[k] = multiply(powers[k - 1], this.transitions);
      marginals[k] = times(marginals[k - 1], this.transitions);
    }
  }

  private static void checkDistribution(String key, String where, double[] p) {
    double sum = 0;
    for (int c = 0; c < p.length; c++) {
      if (!(p[c] >= 0) || Double.isInfinite(p[c])) {
        throw ConfigException.of(key, where + "entry " + c + " must be a finite probability >= 0", Arrays.toString(p));
      }
      sum += p[c];
    }
    if (Math.abs(sum - 1) > TOLERANCE) {
      throw ConfigException.of(key, where + "must sum to 1 within " + TOLERANCE, Arrays.toString(p) + " (sum " + sum + ")");
    }
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double aik = a[i][k];
        if (aik != 0) {
          for (int j = 0; j < n; j++) {
            c[i][j] += aik * b[k][j];
          }
        }
      }
    }
    return c;
  }

  private static double[] times(double[] v, double[][] m) {
    double[] out = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      for (int j = 0; j < v.length; j++) {
        out[j] += v[k] * m[k][j];
      }
    }
    return out;
  }

  /** S, the number of states. */
  public int states() {
    return transitions.length;
  }

  /** L, the sequence length. */
  public int length() {
    return length;
  }

  /** (P^k)[from][to] for 0 <= k < L: the probability of moving from {@code from} to {@code to} in k steps. */
  public double power(int k, int from, int to) {
    return powers[k][from][to];
  }

  /** Row {@code from} of P^k (not a copy: do not modify). */
  double[] powerRow(int k, int from) {
    return powers[k][from];
  }

  /** The law of x_l, pi P^l (0-based l), as a copy. */
  public double[] marginal(int position) {
    checkPosition(position);
    return marginals[position].clone();
  }

  /** pi P^l without copying (do not modify). */
  double[] marginalView(int position) {
    return marginals[position];
  }

  /** The joint law of (x_i, x_j), i < j: M[a][b] = (pi P^i)[a] (P^(j-i))[a][b]. */
  public double[][] pairMarginal(int i, int j) {
    checkPosition(i);
    checkPosition(j);
    if (i >= j) {
      throw new IllegalArgumentException("pair positions must satisfy i < j, got " + i + ", " + j);
    }
    int s = states();
    double[][] m = new double[s][s];
    for (int a = 0; a < s; a++) {
      for (int b = 0; b < s; b++) {
        m[a][b] = marginals[i][a] * powers[j - i][a][b];
      }
    }
    return m;
  }

  /** log P(x) = log pi[x_0] + sum_l log P[x_(l-1)][x_l]; -infinity for an impossible sequence. */
  public double logProbability(int[] sequence) {
    checkSequence(sequence);
    double lp = Math.log(initial[sequence[0]]);
    for (int l = 1; l < length; l++) {
      lp += Math.log(transitions[sequence[l - 1]][sequence[l]]);
    }
    return lp;
  }

  /**
   * The probability of every sequence, indexed by {@link #index(int[])}: S^L entries, at most
   * 2^24. Cost: O(S^L) time and memory.
   */
  public double[] sequenceLaw() {
    long count = 1;
    for (int l = 0; l < length; l++) {
      count *= states();
      if (count > 1 << 24) {
        throw new IllegalArgumentException("the sequence law of " + states() + " states and length " + length
            + " has more than 2^24 entries");
      }
    }
    double[] law = new double[(int) count];
    int[] x = new int[length];
    for (int idx = 0; idx < count; idx++) {
      decode(idx, x);
      double p = initial[x[0]];
      for (int l = 1; l < length && p != 0; l++) {
        p *= transitions[x[l - 1]][x[l]];
      }
      law[idx] = p;
    }
    return law;
  }

  /** The index of a sequence in {@link #sequenceLaw()}: sum_l x_l S^(L-1-l) (position 0 most significant). */
  public int index(int[] sequence) {
    checkSequence(sequence);
    int idx = 0;
    for (int v : sequence) {
      idx = idx * states() + v;
    }
    return idx;
  }

  /** Writes the sequence of index {@code idx} into {@code out} (length L). */
  public void decode(int idx, int[] out) {
    for (int l = length - 1; l >= 0; l--) {
      out[l] = idx % states();
      idx /= states();
    }
  }

  private void checkPosition(int l) {
    if (l < 0 || l >= length) {
      throw new IllegalArgumentException("position " + l + " is outside [0, " + length + ")");
    }
  }

  private void checkSequence(int[] sequence) {
    if (sequence.length != length) {
      throw new IllegalArgumentException("sequence of length " + sequence.length + ", the chain has length " + length);
    }
    for (int v : sequence) {
      if (v < 0 || v >= states()) {
        throw new IllegalArgumentException("state " + v + " is outside [0, " + states() + ")");
      }
    }
  }
}
