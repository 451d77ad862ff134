package io.sampleforge.spark.neighbors;

import io.sampleforge.spark.common.TaskDevices;

import io.sampleforge.neighbors.BlockNeighborSearch;
import io.sampleforge.neighbors.FeatureBlock;
import io.sampleforge.neighbors.NeighborList;
import io.sampleforge.random.Hash64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Exact k-nearest neighbours within each class, distributed over Spark so that a class larger than
 * one executor's memory still works: rows are hashed by record key into blocks of at most about
 * {@code blockRows} (and enough blocks to occupy every core); every (query block, reference block) pair of a class becomes one task that runs
 * {@link BlockNeighborSearch} on the task's device; partial lists are merged per query with
 * {@code reduceByKey} in (distance, key) order. Block membership depends only on the keys, so the
 * result is independent of input partitioning. Cost per class of n rows in B = ⌈n/blockRows⌉
 * blocks: n²·d GEMM flops, a shuffle of B copies of the class, and n·B·k merged entries; a task holds
 * two blocks. Reference sets within {@link ResidentNeighbors}' memory budget are searched by that
 * plan instead (broadcast classes, query slices; same lists).
 */
public final class DistributedNeighbors {
  /** Output column: record key of the query row. */
  public static final String KEY = "__sf_key";
  /** Output column: neighbour keys in (distance, key) order. */
  public static final String NEIGHBOR_KEYS = "__sf_nbr_keys";
  /** Output column: neighbour distances, ascending. */
  public static final String NEIGHBOR_DISTANCES = "__sf_nbr_dist";
  /** Output column of an all-classes search: each neighbour's class label. */
  public static final String NEIGHBOR_LABELS = "__sf_nbr_labels";

  private DistributedNeighbors() {}

  /**
   * Same-class search: every row of a class with k &gt; 0 among the other rows of its class.
   *
   * @param rows columns (label string, key long, features array&lt;double&gt;) in that order
   * @param neighbors k per class label; classes absent or with k = 0 are skipped
   * @param counts rows per class label
   * @param blockRows most rows per block (see {@link #autoBlockRows})
   * @return (key, neighbour keys, neighbour distances) for every row of every searched class
   * <p>Length (about 80 lines): one plan of block pairs whose steps share the block layout computed at its start.
   */
  public static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> neighbors,
      Map<String, Long> counts, int blockRows) {
    return search(spark, rows, neighbors, counts, blockRows, false);
  }

  /**
   * Neighbour search of the rows of the classes with k &gt; 0, among the rows of their own class or,
   * with {@code acrossClasses}, among all rows of {@code rows} (every class in {@code counts}); the
   * query row itself (same record key) is never its own neighbour. With {@code acrossClasses} the
   * output has a fourth column, {@link #NEIGHBOR_LABELS}: each neighbour's class label.
   */
  public static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> neighbors,
      Map<String, Long> counts, int blockRows, boolean acrossClasses) {
    return search(spark, rows, neighbors, counts, blockRows, acrossClasses, Map.of());
  }

  /**
   * As above; when {@code rows} has a fourth column of categorical codes (array&lt;long&gt;), the
   * distance adds {@code penalties.get(label)} per differing code (SMOTE-NC).
   */
  public static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> neighbors,
      Map<String, Long> counts, int blockRows, boolean acrossClasses, Map<String, Double> penalties) {
    return search(spark, rows, neighbors, counts, blockRows, acrossClasses, penalties, null);
  }

  /**
   * As above; with {@code groupEnds} the distance is the grouped L1² of
   * {@link FeatureBlock#grouped} (SMOTEN's value difference metric on class-probability vectors).
   */
  public static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> neighbors,
      Map<String, Long> counts, int blockRows, boolean acrossClasses, Map<String, Double> penalties, int[] groupEnds) {
    HashMap<String, Double> penalty = new HashMap<>(penalties);
    int parallelism = spark.sparkContext().defaultParallelism();
    List<String> labels = new ArrayList<>(new TreeSet<>(counts.keySet()));
    HashMap<String, Integer> ks = new HashMap<>();
    neighbors.forEach((label, k) -> {
      if (k > 0 && counts.getOrDefault(label, 0L) > 0) {
        ks.put(label, k);
      }
    });
    HashMap<String, Integer> blocks = new HashMap<>();
    HashMap<String, List<String>> refsOf = new HashMap<>();
    HashMap<String, List<String>> queriesOf = new HashMap<>();
    long pairs = 0;
    for (String label : labels) {
      if (acrossClasses || ks.containsKey(label)) {
        blocks.put(label, blocksFor(counts.get(label), blockRows, parallelism));
      }
    }
    for (String q : ks.keySet()) {
      List<String> refs = acrossClasses ? labels.stream().filter(blocks::containsKey).toList() : List.of(q);
      refsOf.put(q, refs);
      for (String r : refs) {
        queriesOf.computeIfAbsent(r, x -> new ArrayList<>()).add(q);
        pairs += (long) blocks.get(q) * blocks.get(r);
      }
    }
    HashMap<String, Integer> labelIndex = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      labelIndex.put(labels.get(i), i);
    }
    long residentRows = blocks.keySet().stream().mapToLong(counts::get).sum();
    if (residentRows > 0 && ResidentNeighbors.fits(spark, residentRows, 1) && ResidentNeighbors.fits(spark, residentRows, width(rows))) {
      return ResidentNeighbors.search(spark, rows, ks, labels, refsOf, penalty, groupEnds, acrossClasses);
    }
    int partitions = (int) Math.max(1, Math.min(Math.max(pairs, 1), 4L * parallelism));
    JavaPairRDD<BlockPair, FeatureBlock> grouped = rows.javaRDD()
        .filter(r -> blocks.containsKey(r.getString(0)))
        .mapToPair(r -> {
          String label = r.getString(0);
          long key = r.getLong(1);
          int b = (int) Math.floorMod(Hash64.mix(key), (long) blocks.get(label));
          double[] v = NeighborRows.doubles(r.getList(2));
          long[] codes = r.size() > 3 && !r.isNullAt(3) ? NeighborRows.longs(r.getList(3)) : null;
          return new Tuple2<>(BlockPair.block(label, b), new Tuple3<>(key, v, codes));
        })
        .groupByKey(new HashPartitioner(partitions))
        .mapToPair(e -> new Tuple2<>(e._1(), toBlock(e._2(), penalty.getOrDefault(e._1().label(), 0.0), groupEnds)));
    JavaPairRDD<BlockPair, FeatureBlock> asQuery = grouped.flatMapToPair(e -> {
      List<Tuple2<BlockPair, FeatureBlock>> out = new ArrayList<>();
      String q = e._1().label();
      for (String ref : refsOf.getOrDefault(q, List.of())) {
        for (int r = 0; r < blocks.get(ref); r++) {
          out.add(new Tuple2<>(new BlockPair(q, e._1().query(), ref, r), e._2()));
        }
      }
      return out.iterator();
    });
    JavaPairRDD<BlockPair, FeatureBlock> asReference = grouped.flatMapToPair(e -> {
      List<Tuple2<BlockPair, FeatureBlock>> out = new ArrayList<>();
      String ref = e._1().label();
      for (String q : queriesOf.getOrDefault(ref, List.of())) {
        for (int b = 0; b < blocks.get(q); b++) {
          out.add(new Tuple2<>(new BlockPair(q, b, ref, e._1().query()), e._2()));
        }
      }
      return out.iterator();
    });
    JavaPairRDD<Long, NeighborList> lists = asQuery.join(asReference, new HashPartitioner(partitions))
        .flatMapToPair(pair -> {
          int k = ks.get(pair._1().label());
          int tag = labelIndex.get(pair._1().refLabel());
          List<NeighborList> found = new BlockNeighborSearch(k, TaskDevices.current()).search(pair._2()._1(), pair._2()._2());
          List<Tuple2<Long, NeighborList>> out = new ArrayList<>(found.size());
          for (NeighborList l : found) {
            out.add(new Tuple2<>(l.queryKey(), acrossClasses ? l.withTag(tag) : l));
          }
          return out.iterator();
        })
        .reduceByKey(NeighborList::merge, partitions);
    return NeighborRows.frame(spark, lists, labels, acrossClasses);
  }

  /** Features plus categorical codes of the first row (0 when there are no rows): one small job. */
  private static long width(Dataset<Row> rows) {
    List<Row> first = rows.limit(1).collectAsList();
    if (first.isEmpty()) {
      return 0;
    }
    Row r = first.get(0);
    return r.getList(2).size() + (r.size() > 3 && !r.isNullAt(3) ? r.getList(3).size() : 0);
  }

  /** Rows per block when the caller asks for automatic sizing: about 4 Mi float32 feature values (16 MB), within [4096, 65536]. */
  public static int autoBlockRows(int dims) {
    return (int) Math.max(4096, Math.min(65536, (4L << 20) / Math.max(1, dims)));
  }

  /**
   * Blocks of a class: enough that no block exceeds {@code maxRows}, and, for classes of at least
   * 8192 rows, at least ⌈√(4·parallelism)⌉ so that the B² block pairs keep every core busy. Depends
   * only on the class size and the cluster's default parallelism, never on input partitioning.
   */
  static int blocksFor(long rows, int maxRows, int parallelism) {
    long bySize = Math.max(1, (rows + maxRows - 1) / maxRows);
    long byCores = rows >= 8192 ? (long) Math.ceil(Math.sqrt(4.0 * parallelism)) : 1;
    return (int) Math.min(rows, Math.max(bySize, byCores));
  }

  /** One class's rows (key, features, codes or null) as a block with its metric: plain, SMOTE-NC or grouped (SMOTEN). */
  static FeatureBlock toBlock(Iterable<Tuple3<Long, double[], long[]>> rows, double penalty, int[] groupEnds) {
    List<Tuple3<Long, double[], long[]>> list = new ArrayList<>();
    rows.forEach(list::add);
    long[] keys = new long[list.size()];
    double[][] values = new double[list.size()][];
    long[][] codes = new long[list.size()][];
    boolean categorical = !list.isEmpty() && list.get(0)._3() != null;
    for (int i = 0; i < keys.length; i++) {
      keys[i] = list.get(i)._1();
      values[i] = list.get(i)._2();
      codes[i] = list.get(i)._3();
    }
    if (groupEnds != null) {
      return FeatureBlock.grouped(keys, values, groupEnds);
    }
    return categorical ? FeatureBlock.of(keys, values, codes, penalty) : FeatureBlock.of(keys, values);
  }
}
