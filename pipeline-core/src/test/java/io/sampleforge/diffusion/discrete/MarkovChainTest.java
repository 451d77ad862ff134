package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import org.junit.jupiter.api.Test;

/** The Markov-chain oracle against brute-force enumeration, and its parameter validation. */
class MarkovChainTest {
  /** A 3-state chain with a non-stationary start and asymmetric, strongly dependent transitions. */
  static final double[] PI = {0.5, 0.3, 0.2};
  static final double[][] P = {{0.7, 0.2, 0.1}, {0.15, 0.6, 0.25}, {0.3, 0.1, 0.6}};

  /**
   * For every one of the 4^5 = 1024 partially masked sequences of length 5 (each position masked or
   * one of 3 states), the denoiser's conditional at every masked position equals the marginal
   * obtained by summing the joint law over all 243 sequences consistent with the unmasked tokens,
   * to 1e-12. The brute force uses only pi and P, not the powers or the neighbour rule.
   */
  @Test
  void conditionalsMatchBruteForceEnumeration() {
    int length = 5;
    MarkovChain chain = new MarkovChain(PI, P, length);
    MarkovChainDenoiser model = new MarkovChainDenoiser(chain);
    int mask = model.maskId();
    assertEquals(3, mask);
    assertEquals(4, model.vocabularySize());
    int patterns = (int) Math.pow(4, length);
    int[][] rows = new int[patterns][length];
    for (int c = 0; c < patterns; c++) {
      int code = c;
      for (int l = 0; l < length; l++) {
        rows[c][l] = code % 4;
        code /= 4;
      }
    }
    DenoiserOutput out = model.denoise(rows, new double[patterns]);
    double[] got = new double[4];
    int checked = 0;
    for (int c = 0; c < patterns; c++) {
      double[][] brute = new double[length][3];
      double z = 0;
      int[] seq = new int[length];
      for (int idx = 0; idx < 243; idx++) {
        int code = idx;
        boolean consistent = true;
        for (int l = length - 1; l >= 0; l--) {
          seq[l] = code % 3;
          code /= 3;
          consistent &= rows[c][l] == mask || rows[c][l] == seq[l];
        }
        if (!consistent) {
          continue;
        }
        double p = PI[seq[0]];
        for (int l = 1; l < length; l++) {
          p *= P[seq[l - 1]][seq[l]];
        }
        z += p;
        for (int l = 0; l < length; l++) {
          brute[l][seq[l]] += p;
        }
      }
      for (int l = 0; l < length; l++) {
        if (rows[c][l] != mask) {
          continue;
        }
        out.probabilities(c, l, got);
        assertEquals(0.0, got[mask], "mask column of pattern " + c);
        for (int v = 0; v < 3; v++) {
          assertEquals(brute[l][v] / z, got[v], 1e-12, "pattern " + java.util.Arrays.toString(rows[c]) + " position " + l);
        }
        checked++;
      }
    }
    assertEquals(5 * 256, checked, "every masked position of every pattern (5 positions x 4^4 others)");
  }

  @Test
  void lawsAndLogProbabilityMatchTheDefinition() {
    MarkovChain chain = new MarkovChain(PI, P, 4);
    double[] law = chain.sequenceLaw();
    assertEquals(81, law.length);
    double total = 0;
    int[] seq = new int[4];
    double[][] pair = new double[3][3];
    for (int i = 0; i < law.length; i++) {
      chain.decode(i, seq);
      assertEquals(i, chain.index(seq));
      double p = PI[seq[0]] * P[seq[0]][seq[1]] * P[seq[1]][seq[2]] * P[seq[2]][seq[3]];
      assertEquals(p, law[i], 1e-15);
      assertEquals(Math.log(p), chain.logProbability(seq), 1e-12);
      pair[seq[1]][seq[3]] += p;
      total += p;
    }
    assertEquals(1, total, 1e-12);
    double[][] exact = chain.pairMarginal(1, 3);
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        assertEquals(pair[a][b], exact[a][b], 1e-15);
      }
    }
    double[] m2 = chain.marginal(2);
    double[] byHand = new double[3];
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        for (int c = 0; c < 3; c++) {
          byHand[c] += PI[a] * P[a][b] * P[b][c];
        }
      }
    }
    for (int c = 0; c < 3; c++) {
      assertEquals(byHand[c], m2[c], 1e-15);
    }
  }

  @Test
  void badParametersNameTheKeyTheRuleAndTheRow() {
    ConfigException rowSum = assertThrows(ConfigException.class,
        () -> new MarkovChain(PI, new double[][] {{0.7, 0.2, 0.1}, {0.5, 0.6, 0.0}, {0.3, 0.1, 0.6}}, 4));
    assertTrue(rowSum.getMessage().contains("'model.transitions'") && rowSum.getMessage().contains("row 1 must sum to 1")
        && rowSum.getMessage().contains("[0.5, 0.6, 0.0]"), rowSum.getMessage());
    assertEquals(2, rowSum.exitCode());
    ConfigException negative = assertThrows(ConfigException.class,
        () -> new MarkovChain(PI, new double[][] {{0.7, 0.2, 0.1}, {0.15, 0.6, 0.25}, {1.1, -0.1, 0.0}}, 4));
    assertTrue(negative.getMessage().contains("row 2 entry 1 must be a finite probability >= 0"), negative.getMessage());
    ConfigException ragged = assertThrows(ConfigException.class,
        () -> new MarkovChain(PI, new double[][] {{0.7, 0.3}, {0.15, 0.6, 0.25}, {0.3, 0.1, 0.6}}, 4));
    assertTrue(ragged.getMessage().contains("row 0 must have 3 entries"), ragged.getMessage());
    ConfigException initialSize = assertThrows(ConfigException.class, () -> new MarkovChain(new double[] {0.5, 0.5}, P, 4));
    assertTrue(initialSize.getMessage().contains("'model.initial' must have one probability per state (3)"),
        initialSize.getMessage());
    ConfigException initialSum = assertThrows(ConfigException.class,
        () -> new MarkovChain(new double[] {0.5, 0.3, 0.2 + 1e-8}, P, 4));
    assertTrue(initialSum.getMessage().contains("'model.initial' must sum to 1 within 1.0E-9"), initialSum.getMessage());
    ConfigException length = assertThrows(ConfigException.class, () -> new MarkovChain(PI, P, 0));
    assertTrue(length.getMessage().contains("'model.length' must be >= 1; got 0"), length.getMessage());
    // within the tolerance is accepted
    new MarkovChain(new double[] {0.5, 0.3, 0.2 + 5e-10}, P, 1);
  }

  @Test
  void impossibleContextsAreRejected() {
    MarkovChain chain = new MarkovChain(new double[] {1, 0}, new double[][] {{0, 1}, {0, 1}}, 3);
    MarkovChainDenoiser model = new MarkovChainDenoiser(chain);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.denoise(new int[][] {{1, 2, 0}}, new double[1]));
    assertTrue(e.getMessage().contains("probability zero"), e.getMessage());
  }
}
