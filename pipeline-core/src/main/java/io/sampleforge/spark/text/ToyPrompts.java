package io.sampleforge.spark.text;

import io.sampleforge.text.ToyGrammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A prompt table from the toy grammar ({@link ToyGrammar}): prompt i is the first 1 + (i mod 2)
 * words of sentence i under {@code seed}; columns {@code id} (long) and {@code prompt} (string).
 * Used by the quickstart and the tests of text generation. Cost: O(count) on the driver.
 */
public final class ToyPrompts {
  private ToyPrompts() {}

  public static Dataset<Row> of(SparkSession spark, long seed, int count) {
    ToyGrammar grammar = new ToyGrammar();
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String[] words = grammar.sentence(seed, i).split(" ");
      rows.add(RowFactory.create((long) i, String.join(" ", Arrays.copyOf(words, 1 + i % 2))));
    }
    return spark.createDataFrame(rows, new StructType().add("id", "long").add("prompt", "string"));
  }
}
