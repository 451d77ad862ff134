package io.sampleforge.spark.neighbors;

import io.sampleforge.spark.common.TaskDevices;

import io.sampleforge.neighbors.BlockNeighborSearch;
import io.sampleforge.neighbors.FeatureBlock;
import io.sampleforge.neighbors.NeighborList;
import java.io.Serializable;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.Tuple3;

/**
 * The exact search of {@link DistributedNeighbors} for reference sets that fit in memory: the
 * searched classes are collected once as compact per-partition chunks, built into one
 * {@link FeatureBlock} per class and broadcast; each task then searches a contiguous slice of a
 * query class against every reference class it needs, with the reference prepared once per
 * executor JVM (principal-axis order and tiles cached by broadcast id). Against the block-pair
 * plan this removes two shuffles of the class and lets the nearest-first tile order and the
 * projection bound work over the whole class instead of one block at a time, so thresholds start
 * tight and more tiles are skipped. The neighbour lists are the same exact (distance, key) lists,
 * so the choice between the two plans never changes the output. Cost: n·(d+1)·8 bytes per class on
 * the driver and in each executor, one collect, n_q·n_r·d screen operations less pruning.
 */
public final class ResidentNeighbors {
  /** Spark conf key: largest reference set, in bytes of float64 features, searched this way. */
  public static final String MAX_BYTES_CONF = "spark.sampleforge.neighbors.residentBytes";
  static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** Screened pairs per task aimed at (about a second of work on one core). */
  private static final long PAIRS_PER_TASK = 2_000_000_000L;
  private static final int CACHED_REFERENCES = 4;
  /** Prepared references of recent searches in this JVM, softly held so memory pressure frees them. */
  private static final Map<String, SoftReference<BlockNeighborSearch.Prepared>> PREPARED = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SoftReference<BlockNeighborSearch.Prepared>> eldest) {
      return size() > CACHED_REFERENCES;
    }
  };

  private ResidentNeighbors() {}

  /** Whether {@code rows} rows of {@code dims} features (plus key and codes) are within the resident budget. */
  public static boolean fits(SparkSession spark, long rows, long dims) {
    long max = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(
        spark.conf().get(MAX_BYTES_CONF, Long.toString(DEFAULT_MAX_BYTES)));
    return rows * (dims + 2) * 8 <= max;
  }

  /** Rows of one partition in columnar form: what the collect moves. */
  public static final class Chunk implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> labels = new ArrayList<>();
    final List<Long> keys = new ArrayList<>();
    final List<double[]> values = new ArrayList<>();
    final List<long[]> codes = new ArrayList<>();
    /** Fourth column as an opaque value (a neighbour id), when collected that way. */
    final List<Object> ids = new ArrayList<>();

    /** Class label of each collected row. */
    public List<String> labels() {
      return labels;
    }

    /** Record key of each collected row. */
    public List<Long> keys() {
      return keys;
    }

    /** The opaque fourth column of each collected row (empty unless collected that way). */
    public List<Object> ids() {
      return ids;
    }
  }

  /**
   * Collects the rows of the {@code wanted} classes as one chunk per partition. Columns: label,
   * key, features, and optionally a fourth: categorical codes (array&lt;long&gt;), or, with
   * {@code fourthIsId}, any value kept as it is.
   */
  public static List<Chunk> chunks(Dataset<Row> rows, java.util.Set<String> wanted, boolean fourthIsId) {
    return rows.javaRDD()
        .filter(r -> wanted.contains(r.getString(0)))
        .mapPartitions(it -> {
          Chunk c = new Chunk();
          while (it.hasNext()) {
            Row r = it.next();
            c.labels.add(r.getString(0));
            c.keys.add(r.getLong(1));
            c.values.add(NeighborRows.doubles(r.getList(2)));
            boolean fourth = r.size() > 3 && !r.isNullAt(3);
            c.codes.add(fourth && !fourthIsId ? NeighborRows.longs(r.getList(3)) : null);
            c.ids.add(fourthIsId && r.size() > 3 ? r.get(3) : null);
          }
          return List.of(c).iterator();
        })
        .collect();
  }

  /** A slice [from, to) of a query class's block (a plain class: Kryo serializes parallelized data). */
  private static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String label;
    private final int from;
    private final int to;

    Slice(String label, int from, int to) {
      this.label = label;
      this.from = from;
      this.to = to;
    }

    String label() {
      return label;
    }

    int from() {
      return from;
    }

    int to() {
      return to;
    }
  }

  /**
   * Same contract and columns as
   * {@link DistributedNeighbors#search(SparkSession, Dataset, Map, Map, int, boolean, Map, int[])}.
   */
  static Dataset<Row> search(SparkSession spark, Dataset<Row> rows, Map<String, Integer> ks, List<String> labels,
      Map<String, List<String>> refsOf, Map<String, Double> penalty, int[] groupEnds, boolean acrossClasses) {
    java.util.Set<String> wanted = new java.util.HashSet<>();
    refsOf.values().forEach(wanted::addAll);
    wanted.addAll(refsOf.keySet());
    List<Chunk> chunks = chunks(rows, wanted, false);
    HashMap<String, FeatureBlock> blocks = new HashMap<>();
    for (String label : wanted) {
      blocks.put(label, block(chunks, label, penalty.getOrDefault(label, 0.0), groupEnds));
    }
    chunks = null;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HashMap<String, FeatureBlock>> shared = jsc.broadcast(blocks);
    List<Slice> slices = slices(blocks, ks, refsOf, spark.sparkContext().defaultParallelism());
    HashMap<String, Integer> kOf = new HashMap<>(ks);
    HashMap<String, List<String>> refs = new HashMap<>(refsOf);
    HashMap<String, Integer> labelIndex = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      labelIndex.put(labels.get(i), i);
    }
    long id = shared.id();
    JavaPairRDD<Long, NeighborList> lists = jsc.parallelize(slices, Math.max(1, slices.size()))
        .flatMapToPair(slice -> {
          HashMap<String, FeatureBlock> all = shared.value();
          FeatureBlock query = all.get(slice.label()).slice(slice.from(), slice.to());
          BlockNeighborSearch search = new BlockNeighborSearch(kOf.get(slice.label()), TaskDevices.current());
          List<NeighborList> merged = null;
          for (String ref : refs.get(slice.label())) {
            BlockNeighborSearch.Prepared prepared = prepared(id + "/" + ref + "/" + search.layout(), search, all.get(ref));
            List<NeighborList> found = search.search(query, prepared);
            if (acrossClasses) {
              int tag = labelIndex.get(ref);
              found = found.stream().map(l -> l.withTag(tag)).toList();
            }
            if (merged == null) {
              merged = found;
            } else {
              List<NeighborList> next = new ArrayList<>(found.size());
              for (int i = 0; i < found.size(); i++) {
                next.add(NeighborList.merge(merged.get(i), found.get(i)));
              }
              merged = next;
            }
          }
          List<Tuple2<Long, NeighborList>> out = new ArrayList<>();
          for (NeighborList l : merged == null ? List.<NeighborList>of() : merged) {
            out.add(new Tuple2<>(l.queryKey(), l));
          }
          return out.iterator();
        });
    return NeighborRows.frame(spark, lists, labels, acrossClasses);
  }

  /** The cached preparation of {@code reference} under {@code key}, made (once per JVM) when missing. */
  public static BlockNeighborSearch.Prepared prepared(String key, BlockNeighborSearch search, FeatureBlock reference) {
    synchronized (PREPARED) {
      SoftReference<BlockNeighborSearch.Prepared> held = PREPARED.get(key);
      BlockNeighborSearch.Prepared p = held == null ? null : held.get();
      if (p == null) {
        p = search.prepare(reference);
        PREPARED.put(key, new SoftReference<>(p));
      }
      return p;
    }
  }

  /** Query slices: each class's share of tasks in proportion to its screened pairs, at least one per class. */
  private static List<Slice> slices(Map<String, FeatureBlock> blocks, Map<String, Integer> ks,
      Map<String, List<String>> refsOf, int parallelism) {
    Map<String, Long> pairs = new java.util.TreeMap<>();
    long total = 0;
    for (String q : ks.keySet()) {
      long refRows = refsOf.get(q).stream().mapToLong(r -> blocks.get(r).size()).sum();
      long p = (long) blocks.get(q).size() * refRows;
      pairs.put(q, p);
      total += p;
    }
    long tasks = Math.max(4L * parallelism, (total + PAIRS_PER_TASK - 1) / PAIRS_PER_TASK);
    List<Slice> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : pairs.entrySet()) {
      int n = blocks.get(e.getKey()).size();
      long share = total == 0 ? 1 : Math.max(1, Math.round((double) tasks * e.getValue() / total));
      int parts = (int) Math.max(1, Math.min(share, (n + BlockNeighborSearch.TILE_QUERY - 1) / BlockNeighborSearch.TILE_QUERY));
      for (int s = 0; s < parts; s++) {
        int from = (int) ((long) n * s / parts);
        int to = (int) ((long) n * (s + 1) / parts);
        if (to > from) {
          out.add(new Slice(e.getKey(), from, to));
        }
      }
    }
    return out;
  }

  public static FeatureBlock block(List<Chunk> chunks, String label, double penalty, int[] groupEnds) {
    List<Tuple3<Long, double[], long[]>> rows = new ArrayList<>();
    for (Chunk c : chunks) {
      for (int i = 0; i < c.labels.size(); i++) {
        if (c.labels.get(i).equals(label)) {
          rows.add(new Tuple3<>(c.keys.get(i), c.values.get(i), c.codes.get(i)));
        }
      }
    }
    return DistributedNeighbors.toBlock(rows, penalty, groupEnds);
  }
}
