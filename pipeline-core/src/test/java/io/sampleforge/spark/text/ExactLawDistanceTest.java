package io.sampleforge.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The exact-law distance against an independent computation: every row's conditional law is
 * enumerated over all completions of its prompt (products of transition probabilities, no matrix
 * powers), its adjacent-pair laws summed, and the total variation to the written sequences' pair
 * counts (a left-over mask is its own cell) averaged over positions.
 */
class ExactLawDistanceTest extends io.sampleforge.spark.LocalSparkTest {
  private static final double[] PI = {0.5, 0.5};
  private static final double[][] P = {{0.9, 0.1}, {0.2, 0.8}};
  private static final List<String> STATES = List.of("a", "b");

  @Test
  void equalsTheEnumeratedMixtureOfConditionalLaws() {
    MarkovChainModel model = new MarkovChainModel(STATES, PI, P, 3);
    String[][] prompts = {{"1", "a"}, {"2", "b a b"}, {"3", "b"}};
    String[][] written = {{"1", "a a"}, {"1", "a b"}, {"1", "b b"}, {"1", "a a"}, {"2", ""}, {"2", ""},
        {"3", "b b"}, {"3", "a b"}, {"3", "<mask> b"}};
    Dataset<Row> p = table(prompts, "prompt");
    Dataset<Row> w = table(written, "completion").repartition(3);
    double expected = enumerated(prompts, written);
    assertEquals(expected, ExactLawDistance.of(w, p, "id", "prompt", model), 1e-12);
    // by hand: position 0, exact (aa, ab, ba, bb) = (3.6, 0.4, 2.6, 2.4) vs seen (3, 1, 3, 1) + 1 (b, mask): TV 4/18;
    // position 1, exact (3.78, 2.42, 0.56, 2.24) vs seen (2, 4, 0, 2) + 1 (mask, b): TV 5.16/18; mean 9.16/36
    assertEquals(9.16 / 36, expected, 1e-12, "the hand-computed value of this example");
    assertNull(ExactLawDistance.of(w, p, "id", "prompt", new MarkovChainModel(STATES, PI, P, 1)), "no pairs at L = 1");
  }

  private Dataset<Row> table(String[][] rows, String column) {
    List<Row> out = new ArrayList<>();
    for (String[] r : rows) {
      out.add(RowFactory.create(Long.parseLong(r[0]), r[1]));
    }
    return spark.createDataFrame(out, new StructType().add("id", "long").add(column, "string"));
  }

  /** Mean TV over positions, by enumerating each row's completions (3 symbols: a, b, mask). */
  private static double enumerated(String[][] prompts, String[][] written) {
    int length = 3;
    double[][][] exact = new double[length - 1][3][3];
    double[][][] seen = new double[length - 1][3][3];
    for (String[] row : written) {
      String prompt = null;
      for (String[] q : prompts) {
        if (q[0].equals(row[0])) {
          prompt = q[1];
        }
      }
      String full = (prompt + " " + row[1]).trim();
      String[] words = full.split(" ");
      for (int i = 0; i + 1 < length; i++) {
        seen[i][symbol(words[i])][symbol(words[i + 1])]++;
      }
      String[] given = prompt.split(" ");
      for (int code = 0; code < 8; code++) {
        int[] x = {(code >> 2) & 1, (code >> 1) & 1, code & 1};
        boolean matches = true;
        for (int l = 0; l < given.length; l++) {
          matches &= x[l] == symbol(given[l]);
        }
        if (!matches) {
          continue;
        }
        double prob = 1;
        for (int l = given.length; l < length; l++) {
          prob *= l == 0 ? PI[x[0]] : P[x[l - 1]][x[l]];
        }
        for (int i = 0; i + 1 < length; i++) {
          exact[i][x[i]][x[i + 1]] += prob;
        }
      }
    }
    double total = 0;
    for (int i = 0; i + 1 < length; i++) {
      double tv = 0;
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          tv += Math.abs(seen[i][a][b] - exact[i][a][b]) / written.length;
        }
      }
      total += tv / 2;
    }
    return total / (length - 1);
  }

  private static int symbol(String w) {
    return w.equals("<mask>") ? 2 : STATES.indexOf(w);
  }
}
