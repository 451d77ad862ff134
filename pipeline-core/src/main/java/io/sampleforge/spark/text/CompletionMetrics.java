package io.sampleforge.spark.text;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.text.ToyGrammar;
import io.sampleforge.text.WordTokenizer;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Quality metrics over a table of completions ({@link TextGeneration}'s output): distinct-n (Li et
 * al., "A Diversity-Promoting Objective Function for Neural Conversation Models", NAACL 2016:
 * distinct n-grams / all n-grams over every completion, space-separated tokens) and, for text from
 * the toy grammar, the fraction of samples that ended at EOS with a grammatical prompt +
 * completion. Cost: one aggregation (distinct-n: a shuffle of the n-grams).
 */
public final class CompletionMetrics {
  private CompletionMetrics() {}

  /** distinct-n over the {@code completion} column; 0 when there is no n-gram. */
  public static double distinct(Dataset<Row> completions, int n) {
    Dataset<Row> grams = completions.selectExpr("filter(split(completion, ' '), w -> w != '') as t")
        .filter("size(t) >= " + n)
        .selectExpr("explode(transform(sequence(1, size(t) - " + n + " + 1), i -> array_join(slice(t, i, " + n
            + "), ' '))) as g");
    Row r = grams.agg(functions.count("g"), functions.countDistinct("g")).first();
    long total = r.getLong(0);
    return total == 0 ? 0.0 : (double) r.getLong(1) / total;
  }

  /**
   * Fraction of samples that finished at EOS and whose prompt + completion the toy grammar accepts
   * (every sample in the denominator); prompts are joined on {@code idColumn}.
   */
  public static double grammaticalFraction(Dataset<Row> completions, Dataset<Row> prompts, String idColumn,
      String promptColumn) {
    Dataset<Row> joined = completions.join(prompts.select(col(ColumnNames.quoted(idColumn)),
        col(ColumnNames.quoted(promptColumn)).as("__prompt")), idColumn);
    long total = joined.count();
    ToyGrammar grammar = new ToyGrammar();
    WordTokenizer tokenizer = new WordTokenizer();
    long ok = joined.map((MapFunction<Row, Boolean>) r -> r.getAs("finish_reason").equals("eos")
        && grammar.grammatical(tokenizer.tokenize(r.getAs("__prompt") + " " + r.getAs("completion"))), Encoders.BOOLEAN())
        .filter((FilterFunction<Boolean>) b -> b).count();
    return total == 0 ? 0.0 : (double) ok / total;
  }
}
