package io.sampleforge.spark.neighbors;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.spark.common.TaskDevices;

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

/**
 * Approximate k-nearest neighbours with random-projection spill trees
 * ({@link RandomProjectionTree}), same inputs and output columns as {@link DistributedNeighbors}.
 * The trees of a class (or, across classes, of the whole table) are built on the driver from a
 * sample chosen by record-key hash (so it does not depend on partitioning); every row is routed to
 * its query leaf and to its reference leaves in each tree; each (tree, leaf) becomes one Spark task
 * that runs the exact {@link BlockNeighborSearch} of the leaf's query rows against one block of
 * its reference rows (every class of the leaf when searching across classes, each row tagged with
 * its class, so a query's threshold tightens over all its candidates at once); lists from all
 * trees merge in (distance, key) order. Rows travel as (long leaf key, compact row) pairs. The result is deterministic, the self
 * row is excluded, and every returned distance is exact; only neighbours outside a query's leaves
 * can be missed. A leaf holding fewer than k+1 rows yields a shorter list. Cost per tree: one
 * shuffle of about (1+spill)^depth copies of the rows and O(n·leafRows·(1+spill)^depth·d) flops.
 */
public final class ApproximateNeighbors {
  private static final String ALL = "\u0000all";
  private static final int MAX_SAMPLE = 200_000;

  private ApproximateNeighbors() {}

  /**
   * See {@link DistributedNeighbors#search(SparkSession, Dataset, Map, Map, int, boolean)}; same columns.
   *
   * <p>Length (about 120 lines): one driver-side plan (sample, build trees, route, search leaves, merge) whose stages share the forest and the per-group sizes; each stage is a few lines of Spark calls.
   */
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
    long sampleSalt = RandomPurpose.APPROX_NEIGHBORS_SAMPLE.salt(seed);
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
    List<String> groups = new ArrayList<>(groupSize.keySet());
    HashMap<String, Integer> groupIndex = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      groupIndex.put(groups.get(i), i);
    }
    HashMap<Integer, Integer> kOfLabel = new HashMap<>();
    ks.forEach((label, k) -> kOfLabel.put(labelIndex.get(label), k));
    JavaPairRDD<Long, NeighborList> lists = rows.javaRDD()
        .flatMapToPair(r -> {
          String label = r.getString(0);
          Integer g = groupIndex.get(acrossClasses ? ALL : label);
          List<Tuple2<Long, Routed>> out = new ArrayList<>();
          if (g == null) {
            return out.iterator();
          }
          RandomProjectionTree[] trees = forest.get(groups.get(g));
          double[] x = NeighborRows.doubles(r.getList(2));
          int tag = labelIndex.get(label);
          Routed asQuery = ks.containsKey(label) ? new Routed(true, tag, r.getLong(1), x) : null;
          Routed asReference = new Routed(false, tag, r.getLong(1), x);
          for (int t = 0; t < trees.length; t++) {
            if (asQuery != null) {
              out.add(new Tuple2<>(leafKey(g, t, trees[t].queryLeaf(x)), asQuery));
            }
            for (int leaf : trees[t].referenceLeaves(x)) {
              out.add(new Tuple2<>(leafKey(g, t, leaf), asReference));
            }
          }
          return out.iterator();
        })
        .groupByKey(new HashPartitioner(partitions))
        .flatMapToPair(leaf -> {
          // one reference block per leaf (every class of it when searching across classes), so each
          // query's top k tightens over all its candidates at once; tags carry the classes
          Map<Integer, List<Routed>> queries = new TreeMap<>();
          List<Routed> references = new ArrayList<>();
          for (Routed v : leaf._2()) {
            if (v.query) {
              queries.computeIfAbsent(v.label, x -> new ArrayList<>()).add(v);
            } else {
              references.add(v);
            }
          }
          List<Tuple2<Long, NeighborList>> out = new ArrayList<>();
          if (queries.isEmpty() || references.isEmpty()) {
            return out.iterator();
          }
          FeatureBlock rb = block(references);
          int[] tagAt = new int[rb.size()];
          for (Routed v : references) {
            tagAt[rb.indexOf(v.key)] = v.label;
          }
          Map<String, BlockNeighborSearch.Prepared> prepared = new HashMap<>();
          for (Map.Entry<Integer, List<Routed>> q : queries.entrySet()) {
            BlockNeighborSearch search = new BlockNeighborSearch(kOfLabel.get(q.getKey()), TaskDevices.current());
            BlockNeighborSearch.Prepared ref = prepared.computeIfAbsent(search.layout(), x -> search.prepare(rb));
            for (NeighborList l : search.search(block(q.getValue()), ref)) {
              out.add(new Tuple2<>(l.queryKey(), l.withTags(key -> tagAt[rb.indexOf(key)])));
            }
          }
          return out.iterator();
        })
        .reduceByKey(NeighborList::merge, partitions);
    return NeighborRows.frame(spark, lists, labels, acrossClasses);
  }

  /** One row routed to a leaf: as a query, or as a reference (its class as a label index). */
  private static final class Routed implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final boolean query;
    private final int label;
    private final long key;
    private final double[] x;

    Routed(boolean query, int label, long key, double[] x) {
      this.query = query;
      this.label = label;
      this.key = key;
      this.x = x;
    }
  }

  /** (search group, tree, leaf) as one shuffle key. */
  private static long leafKey(int group, int tree, int leaf) {
    return ((long) group << 40) | ((long) tree << 32) | (leaf & 0xffffffffL);
  }

  private static FeatureBlock block(List<Routed> rows) {
    // a row reaches a given leaf of a tree at most once (tree paths are disjoint), so keys are distinct
    long[] keys = new long[rows.size()];
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = rows.get(i).key;
      x[i] = rows.get(i).x;
    }
    return FeatureBlock.of(keys, x);
  }

  private static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
