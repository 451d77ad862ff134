package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.MarkovChain;
import io.sampleforge.spark.common.ColumnNames;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How far generated Markov-chain sequences are from the chain's exact law: the mean, over adjacent
 * positions (i, i+1), i = 0..L-2, of the total-variation distance between the empirical law of
 * (x_i, x_{i+1}) over all written sequences (prompt + completion) and its exact law given the
 * prompts. The exact law is the mixture over the written rows of each row's conditional pair law:
 * {@link MarkovChain#pairMarginal} for an empty prompt; for a prompt of p states ending in c, the
 * prompt's own pair where i+1 < p and (P^(i-p+1))[c][a] P[a][b] where i >= p-1 (Markov property).
 * A position left masked counts as a cell of exact probability 0. An exact sampler's distance is
 * sampling noise only (it shrinks like 1/sqrt(N)); a biased sampler's tends to its bias.
 *
 * <p>Counts are integers summed per partition (deterministic); the driver forms the mixture. Cost:
 * one join of the output with the prompts by id, O(L) per row, O(L^2 S^2) on the driver; null (not
 * computed) when L < 2, L^2 S^2 exceeds {@link #MAX_WORK} or the count table {@link #MAX_CELLS}.
 */
public final class ExactLawDistance {
  /** The most driver work (L^2 S^2) the metric spends. */
  public static final long MAX_WORK = 1L << 28;
  /** The most count cells (longs) per partition: about 2 (L - 1)(S + 1)^2. */
  public static final long MAX_CELLS = 1L << 22;

  private ExactLawDistance() {}

  /** The distance of the {@code written} output of {@link MaskedDiffusionGeneration} (null when not computed). */
  public static Double of(Dataset<Row> written, Dataset<Row> prompts, String idColumn, String promptColumn,
      MarkovChainModel model) {
    int length = model.length();
    int s = model.states().size();
    if (length < 2 || (long) length * length * s * s > MAX_WORK || 2L * (length - 1) * (s + 1) * (s + 1)
        + (long) (length + 1) * s + 1 > MAX_CELLS) {
      return null;
    }
    String id = ColumnNames.quoted(idColumn);
    Dataset<Row> joined = written.select(written.col(id), written.col("completion"))
        .join(prompts.select(prompts.col(id), prompts.col(ColumnNames.quoted(promptColumn)).as("__prompt")), idColumn)
        .select("completion", "__prompt");
    JavaRDD<long[]> parts = joined.toJavaRDD().mapPartitions(rows -> {
      MarkovChain chain = model.chain();
      long[] c = new long[size(length, s)];
      while (rows.hasNext()) {
        Row r = rows.next();
        count(model, chain, PromptStates.parse(model, chain, r.getString(1)), r.getString(0), c);
      }
      return List.of(c).iterator();
    });
    if (parts.getNumPartitions() == 0) {
      return null;
    }
    long[] counts = parts.reduce(ExactLawDistance::add);
    return distance(model.chain(), counts);
  }

  /** Cells: observed pairs over (S+1)^2 per position, prompt-internal pairs over S^2, rows by (prompt length, last state). */
  private static int size(int length, int s) {
    return (length - 1) * (s + 1) * (s + 1) + (length - 1) * s * s + (length + 1) * s + 1;
  }

  private static long[] add(long[] a, long[] b) {
    long[] c = a.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += b[i];
    }
    return c;
  }

  private static void count(MarkovChainModel model, MarkovChain chain, int[] prompt, String completion, long[] c) {
    int length = model.length();
    int s = model.states().size();
    int[] x = new int[length];
    System.arraycopy(prompt, 0, x, 0, prompt.length);
    String[] words = completion.isEmpty() ? new String[0] : completion.split(" ");
    for (int k = 0; k < words.length; k++) {
      int v = model.id(words[k]);
      x[prompt.length + k] = v < 0 ? s : v; // MaskedDiffusionRunner.MASK
    }
    int observed = 0;
    int inside = (length - 1) * (s + 1) * (s + 1);
    int rows = inside + (length - 1) * s * s;
    for (int i = 0; i + 1 < length; i++) {
      c[observed + (i * (s + 1) + x[i]) * (s + 1) + x[i + 1]]++;
      if (i + 1 < prompt.length) {
        c[inside + (i * s + x[i]) * s + x[i + 1]]++;
      }
    }
    int p = prompt.length;
    c[rows + (p == 0 ? 0 : 1 + (p - 1) * s + prompt[p - 1])]++;
  }

  private static double distance(MarkovChain chain, long[] c) {
    int length = chain.length();
    int s = chain.states();
    int inside = (length - 1) * (s + 1) * (s + 1);
    int rows = inside + (length - 1) * s * s;
    double n = 0;
    for (int k = rows; k < c.length; k++) {
      n += c[k];
    }
    if (n == 0) {
      return Double.NaN;
    }
    double total = 0;
    for (int i = 0; i + 1 < length; i++) {
      // w[a] = sum over prompts of length p <= i + 1 ending in c of count * (P^(i-p+1))[c][a]
      double[] w = new double[s];
      for (int p = 1; p <= i + 1 && p <= length; p++) {
        for (int last = 0; last < s; last++) {
          long m = c[rows + 1 + (p - 1) * s + last];
          if (m != 0) {
            for (int a = 0; a < s; a++) {
              w[a] += m * chain.power(i - p + 1, last, a);
            }
          }
        }
      }
      double[][] free = chain.pairMarginal(i, i + 1);
      long unprompted = c[rows];
      double tv = 0;
      for (int a = 0; a <= s; a++) {
        for (int b = 0; b <= s; b++) {
          double expected = 0;
          if (a < s && b < s) {
            expected = c[inside + (i * s + a) * s + b] + unprompted * free[a][b] + w[a] * chain.power(1, a, b);
          }
          tv += Math.abs(c[(i * (s + 1) + a) * (s + 1) + b] - expected);
        }
      }
      total += tv / (2 * n);
    }
    return total / (length - 1);
  }
}
