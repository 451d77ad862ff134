package io.sampleforge.spark;

import static io.sampleforge.spark.InvalidRows.q;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.sampleforge.tabular.ClassPlan;
import io.sampleforge.tabular.Passthrough;
import io.sampleforge.tabular.SmoteDraws;
import io.sampleforge.tabular.SmotePlanner;
import io.sampleforge.tabular.SmoteSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark plan of {@link Smote}: validate, key the rows of the classes to raise, find exact
 * same-class neighbours ({@link DistributedNeighbors}), give every parent its quota of children
 * ({@link SmoteDraws}), interpolate, and append the synthetic rows to the originals. All random
 * choices are keyed by (seed, record key, child index), so the output rows do not depend on
 * partitioning or core count. Cost: the neighbour search dominates (see DistributedNeighbors);
 * the rest is a few scans and shuffles of the raised classes and one join per synthetic row.
 */
final class SmoteExecution {
  static final String LABEL = "__sf_label";
  static final String KEY = DistributedNeighbors.KEY;
  static final String X = "__sf_x";
  static final String RANK = "__sf_rank";
  static final String CHILDREN = "__sf_children";
  static final String CHILD = "__sf_child";
  static final String NBR_KEY = "__sf_nbr_key";
  static final String NBR_X = "__sf_nbr_x";
  static final String NBR_ID = "__sf_nbr_id";
  static final String GAP = "__sf_gap";
  /** Target synthetic rows per partition of the generation stage (explicit, so AQE cannot fold it into one task). */
  static final long CHILDREN_PER_PARTITION = 250_000L;
  /** Neighbour rows are broadcast to the generation join below this estimated size. */
  static final long BROADCAST_BYTES = 128L << 20;

  private SmoteExecution() {}

  static SmoteResult run(Dataset<Row> input, SmoteSettings s) {
    SparkSession spark = input.sparkSession();
    StructType outSchema = SmoteSchema.output(input.schema(), s);
    InvalidRows.Outcome checked = InvalidRows.apply(input, s);
    Dataset<Row> df = checked.valid();
    Map<String, Long> counts = checked.counts();
    List<ClassPlan> plans = SmotePlanner.plan(counts, s.strategy(), s.k());
    List<ClassPlan> raised = plans.stream().filter(p -> p.synthetic() > 0).toList();

    Dataset<Row> originals = withLineage(castFeatures(df, s), s, outSchema, lit(false), lit(null), lit(null));
    if (raised.isEmpty()) {
      return new SmoteResult(originals.select(outputColumns(outSchema)), plans, checked.dropped(), List.of());
    }
    List<String> raisedLabels = raised.stream().map(ClassPlan::label).toList();
    if (s.idCol() != null) {
      RecordKeys.requireUniqueIds(df.filter(col(q(s.labelCol())).cast("string").isin(raisedLabels.toArray())), s.idCol());
    }
    Dataset<Row> minority = RecordKeys.withKeys(
            df.filter(col(q(s.labelCol())).cast("string").isin(raisedLabels.toArray())), s.idCol(), KEY)
        .withColumn(LABEL, col(q(s.labelCol())).cast("string"))
        .withColumn(X, featureArray(s))
        .persist(StorageLevel.MEMORY_AND_DISK());

    Map<String, Integer> ks = new HashMap<>();
    Map<String, Long> sizes = new HashMap<>();
    List<Row> classRows = new ArrayList<>();
    for (ClassPlan p : raised) {
      ks.put(p.label(), p.neighbors());
      sizes.put(p.label(), p.before());
      classRows.add(RowFactory.create(p.label(), p.baseChildren(), p.remainder(), p.neighbors()));
    }
    Dataset<Row> classes = spark.createDataFrame(classRows, new StructType()
        .add(LABEL, DataTypes.StringType).add("__sf_base", DataTypes.LongType)
        .add("__sf_rem", DataTypes.LongType).add("__sf_k", DataTypes.IntegerType));
    Dataset<Row> neighbors = DistributedNeighbors.search(spark, minority.select(col(LABEL), col(KEY), col(X)), ks, sizes,
        s.blockRows() > 0 ? s.blockRows() : DistributedNeighbors.autoBlockRows(s.vectorFeatures() ? 64 : s.featureCols().size()));

    long seed = s.seed();
    UserDefinedFunction priority = udf((UDF1<Long, Double>) key -> SmoteDraws.quotaPriority(seed, key), DataTypes.DoubleType);
    UserDefinedFunction rank = udf((UDF3<Long, Long, Integer, Integer>) (key, child, k) ->
        k == 0 ? 0 : SmoteDraws.neighborRank(seed, key, child, k), DataTypes.IntegerType);
    UserDefinedFunction gap = udf((UDF3<Long, Long, Integer, Double>) (key, child, k) ->
        k == 0 ? 0.0 : SmoteDraws.gap(seed, key, child), DataTypes.DoubleType);

    Dataset<Row> parents = minority
        .withColumn(RANK, row_number().over(Window.partitionBy(col(LABEL)).orderBy(priority.apply(col(KEY)), col(KEY))).minus(1))
        .join(broadcast(classes), LABEL)
        .withColumn(CHILDREN, col("__sf_base").plus(when(col(RANK).lt(col("__sf_rem")), 1L).otherwise(0L)))
        .filter(col(CHILDREN).gt(0))
        .join(neighbors, toSeq(KEY), "left");
    long totalChildren = raised.stream().mapToLong(ClassPlan::synthetic).sum();
    int spread = (int) Math.max(2L * spark.sparkContext().defaultParallelism(), Math.min(100_000L, totalChildren / CHILDREN_PER_PARTITION));
    Dataset<Row> children = parents
        .repartition(spread, col(KEY))
        .withColumn(CHILD, explode(sequence(lit(0L), col(CHILDREN).minus(1L))))
        .withColumn(NBR_KEY, when(col("__sf_k").equalTo(0), col(KEY))
            .otherwise(element_at(col(DistributedNeighbors.NEIGHBOR_KEYS), rank.apply(col(KEY), col(CHILD), col("__sf_k")).plus(1))))
        .withColumn(GAP, gap.apply(col(KEY), col(CHILD), col("__sf_k")));
    Column nbrId = s.idCol() == null ? col(KEY) : col(q(s.idCol()));
    Dataset<Row> nbr = minority.select(col(KEY).as(NBR_KEY), col(X).as(NBR_X), nbrId.as(NBR_ID));
    long raisedRows = raised.stream().mapToLong(ClassPlan::before).sum();
    long dims = s.vectorFeatures() ? 64 : s.featureCols().size();
    boolean small = raisedRows * (dims * 8 + 48) < BROADCAST_BYTES;
    Dataset<Row> joined = children.join(small ? broadcast(nbr) : nbr, toSeq(NBR_KEY));

    List<Column> cols = new ArrayList<>();
    for (StructField f : outSchema.fields()) {
      String name = f.name();
      Column c;
      if (name.equals(s.isSyntheticCol())) {
        c = lit(true);
      } else if (name.equals(s.parentIdCol())) {
        c = s.idCol() == null ? col(KEY) : col(q(s.idCol()));
      } else if (name.equals(s.neighborIdCol())) {
        c = col(NBR_ID);
      } else if (s.vectorFeatures() && name.equals(s.featuresCol())) {
        c = functions.array_to_vector(expr("zip_with(" + X + ", " + NBR_X + ", (a, b) -> a + " + GAP + " * (b - a))"));
      } else if (!s.vectorFeatures() && s.featureCols().contains(name)) {
        int i = s.featureCols().indexOf(name) + 1;
        Column a = element_at(col(X), i);
        c = a.plus(col(GAP).multiply(element_at(col(NBR_X), i).minus(a)));
      } else if (name.equals(s.labelCol()) || s.passthrough() == Passthrough.PARENT) {
        c = col(q(name));
      } else {
        c = lit(null);
      }
      cols.add(c.cast(f.dataType()).as(name));
    }
    Dataset<Row> synthetic = joined.select(cols.toArray(new Column[0]));
    Dataset<Row> output = originals.select(outputColumns(outSchema)).unionByName(synthetic);
    return new SmoteResult(output, plans, checked.dropped(), List.of(minority));
  }

  private static Column[] outputColumns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(n -> col(q(n))).toArray(Column[]::new);
  }

  private static Dataset<Row> castFeatures(Dataset<Row> df, SmoteSettings s) {
    Dataset<Row> out = df;
    for (String c : s.featureCols()) {
      out = out.withColumn(c, col(q(c)).cast("double"));
    }
    return out;
  }

  private static Dataset<Row> withLineage(Dataset<Row> df, SmoteSettings s, StructType outSchema,
      Column isSynthetic, Column parent, Column neighbor) {
    return df.withColumn(s.isSyntheticCol(), isSynthetic)
        .withColumn(s.parentIdCol(), parent.cast(outSchema.apply(s.parentIdCol()).dataType()))
        .withColumn(s.neighborIdCol(), neighbor.cast(outSchema.apply(s.neighborIdCol()).dataType()));
  }

  private static Column featureArray(SmoteSettings s) {
    if (s.vectorFeatures()) {
      return functions.vector_to_array(col(q(s.featuresCol())), "float64");
    }
    return array(s.featureCols().stream().map(c -> col(q(c)).cast("double")).toArray(Column[]::new));
  }

  private static scala.collection.immutable.Seq<String> toSeq(String name) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(name)).toList();
  }
}
