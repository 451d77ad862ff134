package io.sampleforge.spark;

import io.sampleforge.neighbors.BlockNeighborSearch;
import io.sampleforge.neighbors.FeatureBlock;
import io.sampleforge.neighbors.NeighborList;
import io.sampleforge.neighbors.NeighborSearch;
import io.sampleforge.neighbors.RandomProjectionTree;
import io.sampleforge.random.Hash64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.Tuple4;

/**
 * Approximate k-nearest neighbours with random-projection spill trees
 * ({@link RandomProjectionTree}), same inputs and output columns as {@link DistributedNeighbors}.
 * The trees of a class (or, across classes, of the whole table) are built on the driver from a
 * sample chosen by record-key hash (so it does not depend on partitioning); every row is routed to
 * its query leaf and to its reference leaves in each tree; each (tree, leaf) becomes one Spark task
 * that runs the exact {@link BlockNeighborSearch} of the leaf's query rows against its reference
 * rows; lists from all trees merge in (distance, key) order. The result is deterministic, the self
 * row is excluded, and every returned distance is exact; only neighbours outside a query's leaves
 * can be missed. A leaf holding fewer than k+1 rows yields a shorter list. Cost per tree: one
 * shuffle of about (1+spill)^depth copies of the rows and O(n·leafRows·(1+spill)^depth·d) flops.
 */
public final class ApproximateNeighbors {
  private static final String ALL = "\u0000all";
  private static final int MAX_SAMPLE = 200_000;

  private ApproximateNeighbors() {}

  /** See {@link DistributedNeighbors#search(SparkSession, Dataset, Map, Map, int, boolean)}; same columns. */
  public static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> neighbors,
      Map<String, Long> counts, NeighborSearch settings, long seed, boolean acrossClasses) {
    List<String> labels = new ArrayList<>(new TreeSet<>(counts.keySet()));
    HashMap<String, Integer> labelIndex = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      labelIndex.put(labels.get(i), i);
    }
    HashMap<String, Integer> ks = new HashMap<>();
    neighbors.forEach((label, k) -> {
      if (k > 0 && counts.getOrDefault(label, 0L) > 0) {
        ks.put(label, k);
      }
    });
    Map<String, Long> groupSize = new TreeMap<>();
    if (acrossClasses) {
      groupSize.put(ALL, counts.values().stream().mapToLong(Long::longValue).sum());
    } else {
      ks.keySet().forEach(l -> groupSize.put(l, counts.get(l)));
    }
    HashMap<String, Integer> depth = new HashMap<>();
    HashMap<String, Double> rate = new HashMap<>();
    for (Map.Entry<String, Long> e : groupSize.entrySet()) {
      long n = e.getValue();
      int dep = (int) Math.max(0, Math.ceil(Math.log((double) n / settings.leafRows()) / Math.log(2)));
      depth.put(e.getKey(), dep);
      long sample = Math.min(n, Math.max(20_000L, 64L << dep));
      rate.put(e.getKey(), Math.min(1.0, (double) Math.min(sample, MAX_SAMPLE) / n));
    }
    long sampleSalt = Hash64.combine(seed, Hash64.of("approx-neighbors/sample"));
    List<Row> sampled = rows.javaRDD().filter(r -> {
      String g = acrossClasses ? ALL : r.getString(0);
      Double p = rate.get(g);
      return p != null && unit(Hash64.combine(sampleSalt, r.getLong(1))) < p;
    }).collect();
    Map<String, List<double[]>> samples = new HashMap<>();
    for (Row r : sampled) {
      samples.computeIfAbsent(acrossClasses ? ALL : r.getString(0), x -> new ArrayList<>()).add(NeighborRows.doubles(r.getList(2)));
    }
    HashMap<String, RandomProjectionTree[]> forest = new HashMap<>();
    for (String g : groupSize.keySet()) {
      List<double[]> s = samples.getOrDefault(g, List.of());
      // deterministic order: the collected sample's order depends on partitioning, the tree must not
      s.sort((a, b) -> java.util.Arrays.compare(a, b));
      RandomProjectionTree[] trees = new RandomProjectionTree[settings.trees()];
      for (int t = 0; t < trees.length; t++) {
        trees[t] = RandomProjectionTree.build(s.toArray(new double[0][]), depth.get(g), settings.spill(),
            Hash64.combine(seed, Hash64.of(g)), t);
      }
      forest.put(g, trees);
    }
    long leafGroups = 0;
    for (String g : groupSize.keySet()) {
      leafGroups += (long) settings.trees() << depth.get(g);
    }
    int parallelism = spark.sparkContext().defaultParallelism();
    int partitions = (int) Math.max(1, Math.min(leafGroups, 4L * parallelism));
    JavaPairRDD<Long, NeighborList> lists = rows.javaRDD()
        .flatMapToPair(r -> {
          String label = r.getString(0);
          String g = acrossClasses ? ALL : label;
          RandomProjectionTree[] trees = forest.get(g);
          List<Tuple2<String, Tuple4<Boolean, String, Long, double[]>>> out = new ArrayList<>();
          if (trees == null) {
            return out.iterator();
          }
          double[] x = NeighborRows.doubles(r.getList(2));
          long key = r.getLong(1);
          boolean query = ks.containsKey(label);
          for (int t = 0; t < trees.length; t++) {
            if (query) {
              out.add(new Tuple2<>(g + "\u0000" + t + "\u0000" + trees[t].queryLeaf(x), new Tuple4<>(true, label, key, x)));
            }
            for (int leaf : trees[t].referenceLeaves(x)) {
              out.add(new Tuple2<>(g + "\u0000" + t + "\u0000" + leaf, new Tuple4<>(false, label, key, x)));
            }
          }
          return out.iterator();
        })
        .groupByKey(new HashPartitioner(partitions))
        .flatMapToPair(leaf -> {
          Map<String, List<Tuple4<Boolean, String, Long, double[]>>> queries = new TreeMap<>();
          Map<String, List<Tuple4<Boolean, String, Long, double[]>>> references = new TreeMap<>();
          for (Tuple4<Boolean, String, Long, double[]> v : leaf._2()) {
            (v._1() ? queries : references).computeIfAbsent(v._2(), x -> new ArrayList<>()).add(v);
          }
          List<Tuple2<Long, NeighborList>> out = new ArrayList<>();
          for (Map.Entry<String, List<Tuple4<Boolean, String, Long, double[]>>> q : queries.entrySet()) {
            FeatureBlock qb = block(q.getValue());
            BlockNeighborSearch search = new BlockNeighborSearch(ks.get(q.getKey()), TaskDevices.current());
            for (Map.Entry<String, List<Tuple4<Boolean, String, Long, double[]>>> ref : references.entrySet()) {
              if (!acrossClasses && !ref.getKey().equals(q.getKey())) {
                continue;
              }
              int tag = labelIndex.get(ref.getKey());
              for (NeighborList l : search.search(qb, block(ref.getValue()))) {
                out.add(new Tuple2<>(l.queryKey(), l.withTag(tag)));
              }
            }
          }
          return out.iterator();
        })
        .reduceByKey(NeighborList::merge, partitions);
    return NeighborRows.frame(spark, lists, labels, acrossClasses);
  }

  private static FeatureBlock block(List<Tuple4<Boolean, String, Long, double[]>> rows) {
    // a row reaches a given leaf of a tree at most once (tree paths are disjoint), so keys are distinct
    long[] keys = new long[rows.size()];
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = rows.get(i)._3();
      x[i] = rows.get(i)._4();
    }
    return FeatureBlock.of(keys, x);
  }

  private static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
