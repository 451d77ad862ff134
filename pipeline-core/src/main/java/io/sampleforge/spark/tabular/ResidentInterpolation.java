package io.sampleforge.spark.tabular;

import io.sampleforge.spark.common.TaskDevices;
import io.sampleforge.spark.neighbors.NeighborRows;
import io.sampleforge.spark.neighbors.ResidentNeighbors;

import io.sampleforge.neighbors.BlockNeighborSearch;
import io.sampleforge.neighbors.FeatureBlock;
import io.sampleforge.neighbors.NeighborList;
import io.sampleforge.tabular.QuotaCut;
import io.sampleforge.tabular.SmoteDraws;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Same-class SMOTE interpolation in one pass when the raised classes fit the resident budget of
 * {@link ResidentNeighbors}: the classes (keys, float64 features, neighbour ids) are collected
 * once and broadcast, and each task of the parent rows finds its parents' exact k nearest
 * neighbours against the broadcast class (prepared once per executor JVM) and expands every
 * parent into its children straight away. It replaces the neighbour-list frame, the join of
 * parents with their lists, the explode and the join that fetches each child's neighbour, and it
 * gives the same rows: the lists are the same exact (distance, key) lists, and the neighbour rank
 * and gap of each child are the same keyed draws ({@link SmoteDraws}). Cost: the search of
 * {@link ResidentNeighbors} plus O(children·d); n·(d+1)·8 bytes per class on the driver and in
 * each executor.
 */
final class ResidentInterpolation {
  private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(ResidentInterpolation.class);

  private ResidentInterpolation() {}

  /** One raised class as broadcast: key-sorted features and, in the same order, each row's neighbour id. */
  private static final class ClassRows implements Serializable {
    private static final long serialVersionUID = 1L;
    private final FeatureBlock block;
    private final Object[] ids;

    ClassRows(FeatureBlock block, Object[] ids) {
      this.block = block;
      this.ids = ids;
    }
  }

  /** Whether the classes of {@code rows} rows and {@code dims} features may be searched this way. */
  static boolean fits(SparkSession spark, long rows, long dims) {
    return ResidentNeighbors.fits(spark, rows, dims + 1);
  }

  /**
   * Children of every parent row, one output row per child: the parent's columns plus
   * {@code child} (long, 0-based), {@code syntheticX} (the child's features, parent + gap ·
   * (neighbour − parent) per feature, the same float64 operations in the same order as the
   * general plan's column expressions) and {@code neighborId}. Computing the features here keeps
   * the output projection to one array lookup per feature column, so its generated code stays
   * small at any width.
   *
   * <p>Length (about 100 lines): most of it is the task function, which must capture only the few serializable locals it uses; splitting it into methods would turn them into fields shipped with every task.
   *
   * @param parents rows with at least the columns label (string), key (long), features
   *     (array&lt;double&gt;), children (long) and k (int; 0 for a class without neighbours, whose
   *     children copy the parent)
   * @param classRows (label, key, features, neighbour id) of every row of the raised classes
   * @param ks neighbours per raised class label
   * @param quotas when not null, (base children, rows with one more) per class label of a plain
   *     SMOTE plan, decided per row by a {@link QuotaCut}: the children and k columns are then not
   *     read (their names may be null) and {@code parents} may be the class rows themselves
   * @param idType type of the neighbour id column
   */
  static Dataset<Row> children(SparkSession spark, Dataset<Row> parents, Dataset<Row> classRows, Map<String, Integer> ks,
      Map<String, long[]> quotas, long seed, DataType idType, Names names) {
    HashMap<String, ClassRows> classes = collect(classRows, ks);
    HashMap<String, QuotaCut> quotaOf = new HashMap<>();
    if (quotas != null) {
      quotas.forEach((label, q) -> {
        FeatureBlock block = classes.get(label).block;
        long[] keys = new long[block.size()];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = block.key(i);
        }
        quotaOf.put(label, QuotaCut.of(keys, q[0], q[1], seed));
      });
    }
    boolean planned = quotas == null;
    LOG.info("neighbour search: exact, resident; {} rows of {} classes broadcast, children expanded in the search tasks",
        classes.values().stream().mapToLong(c -> c.block.size()).sum(), classes.size());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HashMap<String, ClassRows>> shared = jsc.broadcast(classes);
    long id = shared.id();
    HashMap<String, Integer> kOf = new HashMap<>(ks);
    StructType in = parents.schema();
    int labelAt = in.fieldIndex(names.label());
    int keyAt = in.fieldIndex(names.key());
    int xAt = in.fieldIndex(names.features());
    int childrenAt = planned ? in.fieldIndex(names.children()) : -1;
    int kAt = planned ? in.fieldIndex(names.k()) : -1;
    ChildPlan plan = (r, label) -> planned ? r.getLong(childrenAt) : quotaOf.get(label).children(r.getLong(keyAt));
    NeighborCount kFor = (r, label) -> planned ? r.getInt(kAt) : kOf.get(label);
    int width = in.size();
    StructType out = in
        .add(names.child(), DataTypes.LongType, false)
        .add(names.syntheticX(), DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add(names.neighborId(), idType, true);
    MapPartitionsFunction<Row, Row> expand = it -> {
      Map<String, ClassRows> all = shared.value();
      List<Row> rows = new ArrayList<>();
      it.forEachRemaining(rows::add);
      long[] childCounts = new long[rows.size()];
      List<Row> seeds = new ArrayList<>();
      for (int i = 0; i < childCounts.length; i++) {
        Row r = rows.get(i);
        childCounts[i] = plan.children(r, r.getString(labelAt));
        if (childCounts[i] > 0 && kFor.k(r, r.getString(labelAt)) > 0) {
          seeds.add(r);
        }
      }
      Map<Long, NeighborList> lists = neighbors(seeds, all, kOf, id, labelAt, keyAt, xAt);
      return new Iterator<Row>() {
        private int row = -1;
        private long child;
        private long childCount;
        private Row parent;
        private NeighborList list;
        private ClassRows own;
        private int kEff;
        private double[] parentX;

        @Override
        public boolean hasNext() {
          while (child >= childCount) {
            if (row + 1 >= rows.size()) {
              return false;
            }
            parent = rows.get(++row);
            child = 0;
            childCount = childCounts[row];
            String label = parent.getString(labelAt);
            own = all.get(label);
            list = lists.get(parent.getLong(keyAt));
            int k = kFor.k(parent, label);
            kEff = k == 0 || list == null ? 0 : Math.min(k, list.size());
            parentX = NeighborRows.doubles(parent.getList(xAt));
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          long key = parent.getLong(keyAt);
          long c = child++;
          long neighborKey = kEff == 0 ? key : list.key(SmoteDraws.neighborRank(seed, key, c, kEff));
          double gap = kEff == 0 ? 0.0 : SmoteDraws.gap(seed, key, c);
          int at = own.block.indexOf(neighborKey);
          double[] x = new double[parentX.length];
          for (int j = 0; j < x.length; j++) {
            x[j] = SmoteDraws.interpolate(parentX[j], own.block.value(at, j), gap);
          }
          Object[] values = new Object[width + 3];
          for (int i = 0; i < width; i++) {
            values[i] = parent.get(i);
          }
          values[width] = c;
          values[width + 1] = x;
          values[width + 2] = own.ids[at];
          return RowFactory.create(values);
        }
      };
    };
    return parents.mapPartitions(expand, Encoders.row(out));
  }

  /** Children of a parent row. */
  private interface ChildPlan extends Serializable {
    long children(Row parent, String label);
  }

  /** Neighbours a parent row draws from (0: its children copy it). */
  private interface NeighborCount extends Serializable {
    int k(Row parent, String label);
  }

  /** Column names the expansion reads and writes. */
  record Names(String label, String key, String features, String children, String k, String child, String syntheticX,
      String neighborId) {}

  /** Exact lists of the given parents, searched class by class against the broadcast. */
  private static Map<Long, NeighborList> neighbors(List<Row> rows, Map<String, ClassRows> all, Map<String, Integer> kOf,
      long broadcastId, int labelAt, int keyAt, int xAt) {
    Map<String, List<Row>> byClass = new HashMap<>();
    for (Row r : rows) {
      byClass.computeIfAbsent(r.getString(labelAt), x -> new ArrayList<>()).add(r);
    }
    Map<Long, NeighborList> lists = new HashMap<>();
    for (Map.Entry<String, List<Row>> e : byClass.entrySet()) {
      List<Row> members = e.getValue();
      long[] keys = new long[members.size()];
      double[][] x = new double[members.size()][];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = members.get(i).getLong(keyAt);
        x[i] = NeighborRows.doubles(members.get(i).getList(xAt));
      }
      BlockNeighborSearch search = new BlockNeighborSearch(kOf.get(e.getKey()), TaskDevices.current());
      BlockNeighborSearch.Prepared prepared = ResidentNeighbors.prepared(
          broadcastId + "/" + e.getKey() + "/" + search.layout(), search, all.get(e.getKey()).block);
      for (NeighborList l : search.search(FeatureBlock.of(keys, x), prepared)) {
        lists.put(l.queryKey(), l);
      }
    }
    return lists;
  }

  /** Collects the raised classes as key-sorted blocks with their neighbour ids in block order. */
  private static HashMap<String, ClassRows> collect(Dataset<Row> classRows, Map<String, Integer> ks) {
    List<ResidentNeighbors.Chunk> chunks = ResidentNeighbors.chunks(classRows, new java.util.HashSet<>(ks.keySet()), true);
    HashMap<String, ClassRows> classes = new HashMap<>();
    for (String label : ks.keySet()) {
      FeatureBlock block = ResidentNeighbors.block(chunks, label, 0.0, null);
      Object[] ids = new Object[block.size()];
      for (ResidentNeighbors.Chunk c : chunks) {
        for (int i = 0; i < c.labels().size(); i++) {
          if (c.labels().get(i).equals(label)) {
            ids[block.indexOf(c.keys().get(i))] = c.ids().get(i);
          }
        }
      }
      classes.put(label, new ClassRows(block, ids));
    }
    return classes;
  }
}
