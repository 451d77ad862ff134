package io.sampleforge.spark.tabular;

import io.sampleforge.spark.neighbors.NeighborRows;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.tabular.ExactMoments;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-class population standard deviation of every feature, accumulated exactly
 * ({@link ExactMoments}) so the result does not depend on partitioning. Cost: one pass over the
 * rows and a reduce of one small accumulator per class and partition.
 */
final class ClassMoments {
  private ClassMoments() {}

  /** label -> population std of each feature of {@code rows} (columns {@link SmoteExecution#LABEL}, {@link SmoteExecution#X}). */
  static Map<String, double[]> std(Dataset<Row> rows) {
    Map<String, ExactMoments> moments = rows.select(col(SmoteExecution.LABEL), col(SmoteExecution.X)).javaRDD()
        .mapToPair(r -> {
          return new scala.Tuple2<>(r.getString(0), new ExactMoments().add(NeighborRows.doubles(r.getList(1))));
        })
        .reduceByKey(ExactMoments::merge)
        .collectAsMap();
    Map<String, double[]> out = new HashMap<>();
    moments.forEach((label, m) -> out.put(label, m.populationStd()));
    return out;
  }
}
