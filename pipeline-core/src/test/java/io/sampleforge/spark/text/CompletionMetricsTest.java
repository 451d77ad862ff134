package io.sampleforge.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CompletionMetricsTest extends io.sampleforge.spark.LocalSparkTest {
  private static final StructType COMPLETIONS = new StructType().add("id", "long").add("completion", "string")
      .add("finish_reason", "string");

  /**
   * Hand-derived: completions "a b a b" and "a b" have unigrams a,b,a,b,a,b (2 distinct of 6) and
   * bigrams ab,ba,ab,ab (2 of 4); extra spaces do not make empty tokens; a completion shorter than n
   * adds no n-gram; an empty table gives 0.
   */
  @Test
  void distinctNCountsDistinctNgramsOverAllNgrams() {
    Dataset<Row> c = spark.createDataFrame(List.of(RowFactory.create(1L, "a  b a b", "eos"),
        RowFactory.create(2L, "a b", "length"), RowFactory.create(3L, "", "eos")), COMPLETIONS);
    assertEquals(2.0 / 6, CompletionMetrics.distinct(c, 1), 1e-12);
    assertEquals(2.0 / 4, CompletionMetrics.distinct(c, 2), 1e-12);
    assertEquals(1.0, CompletionMetrics.distinct(c, 4), 1e-12);
    assertEquals(0.0, CompletionMetrics.distinct(c.limit(0), 1), 0.0);
  }

  /** Only samples that ended at EOS and parse under the toy grammar count; every sample is in the denominator. */
  @Test
  void grammaticalFractionCountsEosSamplesTheGrammarAccepts() {
    io.sampleforge.text.ToyGrammar g = new io.sampleforge.text.ToyGrammar();
    String sentence = g.sentence(3, 0);
    String[] words = sentence.split(" ");
    String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length));
    Dataset<Row> prompts = spark.createDataFrame(List.of(RowFactory.create(1L, words[0]), RowFactory.create(2L, words[0]),
        RowFactory.create(3L, words[0])), new StructType().add("id", "long").add("prompt", "string"));
    Dataset<Row> c = spark.createDataFrame(List.of(RowFactory.create(1L, rest, "eos"),
        RowFactory.create(2L, rest, "length"), RowFactory.create(3L, rest + " " + rest, "eos")), COMPLETIONS);
    assertEquals(1.0 / 3, CompletionMetrics.grammaticalFraction(c, prompts, "id", "prompt"), 1e-12);
  }
}
