package io.sampleforge.spark.neighbors;

import io.sampleforge.neighbors.NeighborList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The output frame shared by the exact ({@link DistributedNeighbors}) and approximate
 * ({@link ApproximateNeighbors}) searches: (key, neighbour keys, distances[, neighbour labels]).
 * Cost: one map over the merged lists.
 */
public final class NeighborRows {
  private NeighborRows() {}

  /**
   * @param lists merged list per query key
   * @param labels class labels in tag order (tag i = labels.get(i))
   * @param withLabels add {@link DistributedNeighbors#NEIGHBOR_LABELS}
   */
  static Dataset<Row> frame(SparkSession spark, JavaPairRDD<Long, NeighborList> lists, List<String> labels, boolean withLabels) {
    JavaRDD<Row> rows = lists.map(e -> {
      NeighborList l = e._2();
      Long[] keys = new Long[l.size()];
      Double[] dist = new Double[l.size()];
      String[] nbrLabels = new String[l.size()];
      for (int i = 0; i < l.size(); i++) {
        keys[i] = l.key(i);
        dist[i] = l.distance(i);
        nbrLabels[i] = labels.get(l.tag(i));
      }
      return withLabels ? RowFactory.create(e._1(), keys, dist, nbrLabels) : RowFactory.create(e._1(), keys, dist);
    });
    StructType schema = new StructType()
        .add(DistributedNeighbors.KEY, DataTypes.LongType, false)
        .add(DistributedNeighbors.NEIGHBOR_KEYS, DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add(DistributedNeighbors.NEIGHBOR_DISTANCES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    if (withLabels) {
      schema = schema.add(DistributedNeighbors.NEIGHBOR_LABELS, DataTypes.createArrayType(DataTypes.StringType, false), false);
    }
    return spark.createDataFrame(rows, schema);
  }

  /** A Spark array&lt;bigint&gt; value as a primitive array. */
  static long[] longs(List<Long> x) {
    long[] v = new long[x.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = x.get(i);
    }
    return v;
  }

  /** A Spark array&lt;double&gt; value as a primitive array. */
  public static double[] doubles(List<Double> x) {
    double[] v = new double[x.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = x.get(i);
    }
    return v;
  }
}
