package io.sampleforge.spark.tabular;

import io.sampleforge.spark.common.RecordKeys;
import io.sampleforge.spark.neighbors.DistributedNeighbors;
import io.sampleforge.spark.neighbors.Neighbors;

import static io.sampleforge.spark.common.ColumnNames.quoted;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.tabular.ClassPlan;
import io.sampleforge.tabular.Cleaning;
import io.sampleforge.tabular.ExactMoments;
import io.sampleforge.tabular.OverSamplingMethod;
import io.sampleforge.tabular.WeightedQuota;
import io.sampleforge.tabular.Passthrough;
import io.sampleforge.tabular.SmoteDraws;
import io.sampleforge.tabular.SeedRules;
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
import org.apache.spark.sql.api.java.UDF2;
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
  /** A child's features computed in the one-pass plan ({@link ResidentInterpolation}). */
  static final String SYN_X = "__sf_syn_x";
  static final String WEIGHT = "__sf_weight";
  static final String CROSS_KEYS = "__sf_cross_keys";
  static final String CROSS_LABELS = "__sf_cross_labels";
  static final String INTERP_KEYS = "__sf_interp_keys";
  static final String INTERP_LABELS = "__sf_interp_labels";
  static final String K_EFF = "__sf_k_eff";
  static final String NBR_RANK = "__sf_nbr_rank";
  static final String SELF_AND_NEIGHBORS = "__sf_self_and_nbrs";
  /** Target synthetic rows per partition of the generation stage (explicit, so AQE cannot fold it into one task). */
  static final long CHILDREN_PER_PARTITION = 250_000L;
  /** Neighbour rows are broadcast to the generation join below this estimated size. */
  static final long BROADCAST_BYTES = 128L << 20;

  private SmoteExecution() {}

  /** Length (about 100 lines): the plan's steps in order, each one call into a named step; its early returns (nothing to raise, no seed row, nothing left after the seed rules) read best side by side. */
  static SmoteResult run(Dataset<Row> input, SmoteSettings s) {
    // compiles the search kernel on a spare core while the input is validated and planned
    io.sampleforge.neighbors.KernelWarmUp.startInBackground();
    SparkSession spark = input.sparkSession();
    OverSamplingMethod method = s.method();
    StructType outSchema = SmoteSchema.output(input.schema(), s);
    InvalidRows.Outcome checked = InvalidRows.apply(input, s);
    Dataset<Row> df = checked.valid();
    Map<String, Long> counts = checked.counts();
    boolean smoten = method instanceof OverSamplingMethod.Smoten;
    List<ClassPlan> plans = SmotePlanner.plan(counts, s.strategy(), s.k(), method.interpolates() || smoten);

    boolean cleaning = s.clean() != Cleaning.NONE;
    boolean nothingRaised = plans.stream().noneMatch(p -> p.synthetic() > 0);
    if (nothingRaised && !cleaning) {
      return finish(spark, s, outSchema, df, null, plans, checked.dropped(), List.of(), 0);
    }
    List<String> raisedLabels = plans.stream().filter(p -> p.synthetic() > 0).map(ClassPlan::label).toList();
    boolean across = method.needsAllClassNeighbors();
    Column isRaised = col(quoted(s.labelCol())).cast("string").isin(raisedLabels.toArray());
    Dataset<Row> keyedSource = across || cleaning ? df : df.filter(isRaised);
    boolean nominal = !s.categoricalCols().isEmpty();
    Dataset<Row> keyed = keyedRows(keyedSource, df, s, counts);
    Dataset<Row> minority = across || cleaning ? keyed.filter(col(LABEL).isin(raisedLabels.toArray())) : keyed;
    long dims = s.vectorFeatures() ? 64 : s.featureCols().size();
    int blockRows = s.blockRows() > 0 ? s.blockRows() : DistributedNeighbors.autoBlockRows((int) dims);
    if (nothingRaised) {
      return finish(spark, s, outSchema, keyed, null, plans, checked.dropped(), List.of(keyed), blockRows);
    }
    long totalRows = counts.values().stream().mapToLong(Long::longValue).sum();

    Dataset<Row> seeds = minority;
    List<Dataset<Row>> toRelease = new ArrayList<>(List.of(keyed));
    if (across) {
      int m = SeedRules.crossNeighbors(method, s.k());
      Map<String, Integer> ms = new HashMap<>();
      raisedLabels.forEach(l -> ms.put(l, (int) Math.min(m, totalRows - 1)));
      // cached: the lists feed both the weight-group counts and the generation plan, and the
      // resident plan has no shuffle output Spark could reuse, so it would search twice
      Dataset<Row> cross = Neighbors.find(spark, keyed.select(col(LABEL), col(KEY), col(X)), ms, counts,
              blockRows, true, s.search(), s.seed())
          .select(col(KEY), col(DistributedNeighbors.NEIGHBOR_KEYS).as(CROSS_KEYS),
              col(DistributedNeighbors.NEIGHBOR_LABELS).as(CROSS_LABELS))
          .persist(StorageLevel.MEMORY_AND_DISK());
      toRelease.add(cross);
      seeds = minority.join(cross, toSeq(KEY), "left");
    }
    seeds = seeds.withColumn(WEIGHT, seedWeight(method, s.k()));

    Quotas quotas = allocate(seeds, plans, method);
    List<ClassPlan> finalPlans = quotas.finalPlans();
    List<ClassPlan> raised = quotas.raised();
    if (raised.isEmpty()) {
      if (!cleaning) {
        toRelease.forEach(Dataset::unpersist);
        return finish(spark, s, outSchema, df, null, finalPlans, checked.dropped(), List.of(), blockRows);
      }
      return finish(spark, s, outSchema, keyed, null, finalPlans, checked.dropped(), toRelease, blockRows);
    }
    Dataset<Row> quotaTable = spark.createDataFrame(quotas.rows(), new StructType()
        .add(LABEL, DataTypes.StringType).add(WEIGHT, DataTypes.LongType).add("__sf_base", DataTypes.LongType)
        .add("__sf_extra", DataTypes.LongType).add("__sf_k", DataTypes.IntegerType));

    long seed = s.seed();
    UserDefinedFunction priority = udf((UDF1<Long, Double>) key -> SmoteDraws.quotaPriority(seed, key), DataTypes.DoubleType);
    Dataset<Row> parents = seeds
        .join(broadcast(quotaTable), toSeq(LABEL, WEIGHT))
        .withColumn(RANK, row_number().over(Window.partitionBy(col(LABEL), col(WEIGHT))
            .orderBy(priority.apply(col(KEY)), col(KEY))).minus(1))
        .withColumn(CHILDREN, col("__sf_base").plus(when(col(RANK).lt(col("__sf_extra")), 1L).otherwise(0L)))
        .filter(col(CHILDREN).gt(0));

    boolean borderline2 = method instanceof OverSamplingMethod.Borderline b && b.kind() == 2;
    long raisedRows = raised.stream().mapToLong(ClassPlan::before).sum();
    long largestSearched = raised.stream().filter(p -> p.neighbors() > 0).mapToLong(ClassPlan::before).max().orElse(0);
    // same-class interpolation over classes that fit in memory: search and expand in one pass
    boolean fused = method.interpolates() && !borderline2 && !nominal && !smoten
        && !s.search().approximateFor(largestSearched) && ResidentInterpolation.fits(spark, raisedRows, dims);
    if ((method.interpolates() || smoten) && !fused) {
      parents = withInterpolationNeighbors(spark, parents, s, raised, minority, counts, blockRows);
    }

    long totalChildren = raised.stream().mapToLong(ClassPlan::synthetic).sum();
    int spread = (int) Math.max(2L * spark.sparkContext().defaultParallelism(), Math.min(100_000L, totalChildren / CHILDREN_PER_PARTITION));
    Dataset<Row> children = parents
        .repartition(spread, col(KEY))
        .withColumn(CHILD, explode(sequence(lit(0L), col(CHILDREN).minus(1L))));
    Column nbrId = s.idCol() == null ? col(KEY) : col(quoted(s.idCol()));
    Dataset<Row> joined;
    if (fused) {
      joined = residentInterpolation(spark, across ? parents : minority, minority, raised, s, spread, nbrId);
    } else if (method.interpolates()) {
      joined = distributedInterpolation(children, s, keyed, minority, raised, totalRows, dims, nbrId);
    } else if (smoten) {
      joined = children;
    } else {
      UserDefinedFunction perturb = udf((UDF2<scala.collection.Seq<Double>, scala.collection.Seq<Double>, double[]>)
          (x, z) -> OverSamplingMethod.RandomOver.perturb(doubles(x), doubles(z)),
          DataTypes.createArrayType(DataTypes.DoubleType, false));
      joined = children.withColumn(SYN_X, perturb.apply(col(X), smoothedBootstrapNoise(minority, s, totalRows, seed)));
    }

    Dataset<Row> synthetic = syntheticRows(joined, s, outSchema, df, raised);
    return finish(spark, s, outSchema, cleaning ? keyed : df, synthetic, finalPlans, checked.dropped(), toRelease,
        blockRows);
  }

  /**
   * Each parent's interpolation candidates: borderline-2 takes its k nearest rows of any class (from
   * the all-class lists); the other interpolating methods search their own class (SMOTEN under the
   * value difference metric, SMOTE-NC with the median-std penalty per differing categorical column,
   * plain SMOTE exactly or approximately per {@code neighbor_search}); SMOTE-NC and SMOTEN also get
   * the nominal values voted by the neighbours. Columns added: INTERP_KEYS, INTERP_LABELS, K_EFF.
   */
  private static Dataset<Row> withInterpolationNeighbors(SparkSession spark, Dataset<Row> parents, SmoteSettings s,
      List<ClassPlan> raised, Dataset<Row> minority, Map<String, Long> counts, int blockRows) {
    OverSamplingMethod method = s.method();
    if (method instanceof OverSamplingMethod.Borderline b && b.kind() == 2) {
      return parents
          .withColumn(INTERP_KEYS, expr("slice(" + CROSS_KEYS + ", 1, " + s.k() + ")"))
          .withColumn(INTERP_LABELS, expr("slice(" + CROSS_LABELS + ", 1, " + s.k() + ")"))
          .withColumn(K_EFF, expr("size(" + INTERP_KEYS + ")"));
    }
    boolean smoten = method instanceof OverSamplingMethod.Smoten;
    boolean nominal = !s.categoricalCols().isEmpty();

    Map<String, Integer> ks = new HashMap<>();
    Map<String, Long> sizes = new HashMap<>();
    for (ClassPlan p : raised) {
      ks.put(p.label(), p.neighbors());
      sizes.put(p.label(), p.before());
    }
    Dataset<Row> sameClass = smoten
        // SMOTEN: exact search under the value difference metric (grouped L1² of class frequencies)
        ? DistributedNeighbors.search(spark, minority.select(col(LABEL), col(KEY), col(X)), ks, sizes, blockRows, false,
            Map.of(), NominalFeatures.vdmGroups(s.categoricalCols().size(), counts.size()))
        : nominal
        // SMOTE-NC: exact search on continuous features plus med² per differing categorical column
        ? DistributedNeighbors.search(spark, minority.select(col(LABEL), col(KEY), col(X), col(NominalFeatures.CODES)), ks,
            sizes, blockRows, false, NominalFeatures.penalties(minority))
        : Neighbors.find(spark, minority.select(col(LABEL), col(KEY), col(X)), ks, sizes, blockRows, false, s.search(),
            s.seed());
    parents = parents.join(sameClass, toSeq(KEY), "left")
        .withColumn(INTERP_KEYS, col(DistributedNeighbors.NEIGHBOR_KEYS))
        .withColumn(INTERP_LABELS, lit(null).cast("array<string>"))
        .withColumn(K_EFF, when(col("__sf_k").equalTo(0), 0)
            .otherwise(least(col("__sf_k"), coalesce(size(col(INTERP_KEYS)), lit(0)))));
    if (smoten) {
      // SMOTEN votes over the parent itself and its k neighbours
      parents = NominalFeatures.withModes(parents.withColumn(SELF_AND_NEIGHBORS,
              concat(array(col(KEY)), coalesce(col(INTERP_KEYS), array().cast("array<bigint>")))),
          minority, KEY, SELF_AND_NEIGHBORS, s.categoricalCols().size());
    } else if (nominal) {
      parents = NominalFeatures.withModes(parents, minority, KEY, INTERP_KEYS, s.categoricalCols().size());
    }
    return parents;
  }

  /**
   * The children's features when the neighbours are not resident: each child draws its neighbour
   * rank and gap ({@link SmoteDraws}; borderline-2 halves the gap towards another class), joins its
   * neighbour's features and interpolates them ({@link SmoteDraws#interpolate}) into SYN_X.
   */
  private static Dataset<Row> distributedInterpolation(Dataset<Row> children, SmoteSettings s, Dataset<Row> keyed,
      Dataset<Row> minority, List<ClassPlan> raised, long totalRows, long dims, Column nbrId) {
    long seed = s.seed();
    boolean borderline2 = s.method() instanceof OverSamplingMethod.Borderline b && b.kind() == 2;
    UserDefinedFunction rank = udf((UDF3<Long, Long, Integer, Integer>) (key, child, k) ->
        k == 0 ? 0 : SmoteDraws.neighborRank(seed, key, child, k), DataTypes.IntegerType);
    UserDefinedFunction gap = udf((UDF3<Long, Long, Integer, Double>) (key, child, k) ->
        k == 0 ? 0.0 : SmoteDraws.gap(seed, key, child), DataTypes.DoubleType);
    Column gapScale = borderline2
        ? when(element_at(col(INTERP_LABELS), col(NBR_RANK).plus(1)).equalTo(col(LABEL)), 1.0).otherwise(0.5)
        : lit(1.0);
    children = children
        .withColumn(NBR_RANK, rank.apply(col(KEY), col(CHILD), col(K_EFF)))
        .withColumn(NBR_KEY, when(col(K_EFF).equalTo(0), col(KEY))
            .otherwise(element_at(col(INTERP_KEYS), col(NBR_RANK).plus(1))))
        .withColumn(GAP, gap.apply(col(KEY), col(CHILD), col(K_EFF)).multiply(gapScale));
    Dataset<Row> nbrSource = borderline2 ? keyed : minority;
    Dataset<Row> nbr = nbrSource.select(col(KEY).as(NBR_KEY), col(X).as(NBR_X), nbrId.as(NBR_ID));
    long lookupRows = borderline2 ? totalRows : raised.stream().mapToLong(ClassPlan::before).sum();
    boolean small = lookupRows * (dims * 8 + 48) < BROADCAST_BYTES;
    UserDefinedFunction interpolate = udf((UDF3<scala.collection.Seq<Double>, scala.collection.Seq<Double>, Double, double[]>)
        (x, n, u) -> SmoteDraws.interpolate(doubles(x), doubles(n), u), DataTypes.createArrayType(DataTypes.DoubleType, false));
    return children.join(small ? broadcast(nbr) : nbr, toSeq(NBR_KEY))
        .withColumn(SYN_X, interpolate.apply(col(X), col(NBR_X), col(GAP)));
  }

  /**
   * The children's features when the raised classes fit in memory (plain SMOTE, exact search):
   * search and expansion in one pass ({@link ResidentInterpolation}), features in SYN_X.
   */
  private static Dataset<Row> residentInterpolation(SparkSession spark, Dataset<Row> seedRows, Dataset<Row> minority,
      List<ClassPlan> raised, SmoteSettings s, int spread, Column nbrId) {
    Map<String, Integer> ks = new HashMap<>();
    raised.forEach(p -> ks.put(p.label(), p.neighbors()));
    Dataset<Row> classRows = minority.select(col(LABEL), col(KEY), col(X), nbrId.as(NBR_ID));
    // rows of equal weight (plain SMOTE): the driver ranks the collected keys, so no window pass
    Map<String, long[]> equalWeight = null;
    if (!s.method().needsAllClassNeighbors()) {
      equalWeight = new HashMap<>();
      for (ClassPlan p : raised) {
        WeightedQuota.Group g = WeightedQuota.allocate(p.synthetic(), Map.of(1L, p.before())).group(1L);
        equalWeight.put(p.label(), new long[] {g.baseChildren(), g.extraRows()});
      }
    }
    return ResidentInterpolation.children(spark, seedRows.repartition(spread, col(KEY)), classRows,
        ks, equalWeight, s.seed(),
        classRows.schema().apply(NBR_ID).dataType(),
        new ResidentInterpolation.Names(LABEL, KEY, X, CHILDREN, "__sf_k", CHILD, SYN_X, NBR_ID));
  }

  /**
   * The rows the plan works on, keyed ({@link RecordKeys}) and with the label as a string and the
   * features as one array (SMOTE-NC: plus categorical codes; SMOTEN: the value difference metric's
   * embedding over every valid row), persisted; ids are checked unique on the way.
   */
  private static Dataset<Row> keyedRows(Dataset<Row> source, Dataset<Row> valid, SmoteSettings s, Map<String, Long> counts) {
    Dataset<Row> keyedRows = RecordKeys.withKeys(source, s.idCol(), KEY)
        .withColumn(LABEL, col(quoted(s.labelCol())).cast("string"))
        .withColumn(X, featureArray(s));
    if (!s.categoricalCols().isEmpty()) {
      keyedRows = NominalFeatures.withCodes(keyedRows, s);
    }
    if (s.method() instanceof OverSamplingMethod.Smoten) {
      // value difference metric: class frequencies per value over every valid row of the table
      Dataset<Row> allValues = NominalFeatures.withCodes(valid.withColumn(LABEL, col(quoted(s.labelCol())).cast("string")), s);
      keyedRows = keyedRows.withColumn(X, NominalFeatures.vdmEmbedding(allValues, new ArrayList<>(new java.util.TreeSet<>(counts.keySet())),
          s.categoricalCols().size()));
    }
    Dataset<Row> keyed = keyedRows.persist(StorageLevel.MEMORY_AND_DISK());
    if (s.idCol() != null) {
      // on the cached rows: this first action fills the cache, so the input is scanned once for both
      RecordKeys.requireUniqueIds(keyed, s.idCol());
    }
    return keyed;
  }

  /** The final plans, the classes that get children, and one quota row per (class, weight group). */
  private record Quotas(List<ClassPlan> finalPlans, List<ClassPlan> raised, List<Row> rows) {}

  /**
   * Children per seed row: largest remainder over weight groups ({@link WeightedQuota}), a keyed
   * priority inside a group; a class whose every seed weight is 0 keeps its rows and is reported
   * unmet ({@link SeedRules#noSeedReason}). One aggregation of the seed weights (methods that weigh
   * rows), the rest on the driver.
   */
  private static Quotas allocate(Dataset<Row> seeds, List<ClassPlan> plans, OverSamplingMethod method) {
    boolean across = method.needsAllClassNeighbors();
    Map<String, Map<Long, Long>> groups = new HashMap<>();
    if (across) {
      for (Row r : seeds.groupBy(col(LABEL), col(WEIGHT)).count().collectAsList()) {
        groups.computeIfAbsent(r.getString(0), x -> new HashMap<>()).put(r.getLong(1), r.getLong(2));
      }
    }
    List<ClassPlan> finalPlans = new ArrayList<>();
    List<ClassPlan> raised = new ArrayList<>();
    List<Row> quotaRows = new ArrayList<>();
    for (ClassPlan p : plans) {
      if (p.synthetic() <= 0) {
        finalPlans.add(p);
        continue;
      }
      Map<Long, Long> byWeight = across ? groups.getOrDefault(p.label(), Map.of()) : Map.of(1L, p.before());
      boolean anySeed = byWeight.entrySet().stream().anyMatch(e -> e.getKey() > 0 && e.getValue() > 0);
      if (!anySeed) {
        finalPlans.add(p.unmet(SeedRules.noSeedReason(method, p.before())));
        continue;
      }
      finalPlans.add(p);
      raised.add(p);
      WeightedQuota quota = WeightedQuota.allocate(p.synthetic(), byWeight);
      for (WeightedQuota.Group g : quota.groups().values()) {
        if (g.baseChildren() > 0 || g.extraRows() > 0) {
          quotaRows.add(RowFactory.create(p.label(), g.weight(), g.baseChildren(), g.extraRows(), p.neighbors()));
        }
      }
    }
    return new Quotas(finalPlans, raised, quotaRows);
  }

  /**
   * The synthetic rows in the output schema (plus, with cleaning, label, row key and feature array):
   * lineage, their own ids ({@link SyntheticIds}), features from {@code SYN_X} (the kernels'
   * interpolation or perturbation), nominal values, the label and passed-through columns.
   */
  private static Dataset<Row> syntheticRows(Dataset<Row> joined, SmoteSettings s, StructType outSchema, Dataset<Row> df,
      List<ClassPlan> raised) {
    OverSamplingMethod method = s.method();
    boolean smoten = method instanceof OverSamplingMethod.Smoten;
    boolean cleaning = s.clean() != Cleaning.NONE;
    long seed = s.seed();
    SyntheticIds ids = s.idCol() == null ? null
        : SyntheticIds.plan(df, s.idCol(), raised.stream().mapToLong(ClassPlan::synthetic).max().orElse(1), CHILD);
    List<Column> cols = new ArrayList<>();
    Column[] featureValues = new Column[s.featureCols().size()];
    Column vectorValues = null;
    for (StructField f : outSchema.fields()) {
      String name = f.name();
      Column c;
      if (name.equals(s.isSyntheticCol())) {
        c = lit(true);
      } else if (ids != null && name.equals(s.idCol())) {
        c = ids.column();
      } else if (name.equals(s.parentIdCol())) {
        c = s.idCol() == null ? col(KEY) : col(quoted(s.idCol()));
      } else if (name.equals(s.neighborIdCol())) {
        c = method.interpolates() ? col(NBR_ID) : lit(null);
      } else if (s.vectorFeatures() && name.equals(s.featuresCol())) {
        vectorValues = col(SYN_X);
        c = functions.array_to_vector(vectorValues);
      } else if (!s.vectorFeatures() && s.featureCols().contains(name)) {
        int i = s.featureCols().indexOf(name) + 1;
        // never null (SYN_X holds one value per feature); the coalesce tells Spark so, so that the
        // output's nullability is the input's, as Smote.transformSchema states
        c = coalesce(element_at(col(SYN_X), i), lit(Double.NaN));
        featureValues[i - 1] = c.cast("double");
      } else if (s.categoricalCols().contains(name)) {
        int j = s.categoricalCols().indexOf(name);
        c = smoten ? NominalFeatures.smallest(j, name) : NominalFeatures.chosen(j, seed, KEY, CHILD, name);
      } else if (name.equals(s.labelCol()) || s.passthrough() == Passthrough.PARENT) {
        c = col(quoted(name));
      } else {
        c = lit(null);
      }
      cols.add(c.cast(f.dataType()).as(name));
    }
    if (cleaning) {
      cols.add(col(LABEL));
      cols.add(xxhash64(lit("sampleforge/synthetic-row"), col(KEY), col(CHILD)).as(CleaningStage.ROW_KEY));
      cols.add((s.vectorFeatures() ? vectorValues : array(featureValues)).as(CleaningStage.ROW_X));
    }
    return joined.select(cols.toArray(new Column[0]));
  }

  /**
   * Appends the synthetic rows to the originals and, when configured, cleans the result.
   *
   * @param originalsSource the valid input rows; with cleaning, the keyed rows of every class
   * @param synthetic output-schema columns (plus label, row key and feature array with cleaning), or null
   */
  private static SmoteResult finish(SparkSession spark, SmoteSettings s, StructType outSchema, Dataset<Row> originalsSource,
      Dataset<Row> synthetic, List<ClassPlan> plans, long dropped, List<Dataset<Row>> cached, int blockRows) {
    Dataset<Row> originals = withLineage(castFeatures(originalsSource, s), s, outSchema, lit(false), lit(null), lit(null));
    if (s.clean() == Cleaning.NONE) {
      Dataset<Row> out = originals.select(outputColumns(outSchema));
      return new SmoteResult(synthetic == null ? out : out.unionByName(synthetic), plans, dropped, cached);
    }
    List<Column> cols = new ArrayList<>(List.of(outputColumns(outSchema)));
    cols.add(col(LABEL));
    cols.add(col(KEY).as(CleaningStage.ROW_KEY));
    cols.add(col(X).as(CleaningStage.ROW_X));
    Dataset<Row> table = originals.select(cols.toArray(new Column[0]));
    if (synthetic != null) {
      table = table.unionByName(synthetic);
    }
    Map<String, Long> counts = new HashMap<>();
    plans.forEach(p -> counts.put(p.label(), p.target()));
    CleaningStage.Cleaned cleaned = CleaningStage.apply(spark, table, s.clean(), counts,
        blockRows > 0 ? blockRows : DistributedNeighbors.autoBlockRows(s.vectorFeatures() ? 64 : s.featureCols().size()),
        s.search(), s.seed());
    List<ClassPlan> after = plans.stream()
        .map(p -> p.cleaned(s.clean().id(), cleaned.removedPerClass().getOrDefault(p.label(), 0L))).toList();
    List<Dataset<Row>> all = new ArrayList<>(cached);
    all.addAll(cleaned.cached());
    return new SmoteResult(cleaned.rows().select(outputColumns(outSchema)), after, dropped, all);
  }

  /**
   * Integer weight of each seed row ({@link SeedRules#weight}): its share of the class's children
   * is proportional to it. Methods that do not look at other classes weigh every row 1.
   */
  private static Column seedWeight(OverSamplingMethod method, int k) {
    if (!method.needsAllClassNeighbors()) {
      return lit(SeedRules.weight(method, k, null, null));
    }
    UserDefinedFunction weight = udf((UDF2<String, scala.collection.Seq<String>, Long>) (label, labels) ->
        SeedRules.weight(method, k, label, labels == null ? null : scala.jdk.javaapi.CollectionConverters.asJava(labels)),
        DataTypes.LongType);
    return weight.apply(col(LABEL), col(CROSS_LABELS));
  }

  /**
   * Column of per-feature noise arrays for random over-sampling: shrinkage·h·σ_j·z_j with the
   * class's population standard deviations σ_j (one exact aggregation, {@link ExactMoments}, so the
   * noise does not depend on partitioning), or zeros when shrinkage is 0.
   */
  private static Column smoothedBootstrapNoise(Dataset<Row> minority, SmoteSettings s, long totalRows, long seed) {
    double shrinkage = ((OverSamplingMethod.RandomOver) s.method()).shrinkage();
    if (shrinkage == 0) {
      return expr("transform(" + X + ", a -> 0d)");
    }
    OverSamplingMethod.RandomOver random = (OverSamplingMethod.RandomOver) s.method();
    HashMap<String, double[]> scales = new HashMap<>();
    ClassMoments.std(minority).forEach((label, sd) -> scales.put(label, random.noiseScale(sd, totalRows)));
    UserDefinedFunction noise = udf((UDF3<Long, Long, String, double[]>) (key, child, label) -> {
      double[] scale = scales.get(label);
      double[] z = new double[scale.length];
      for (int j = 0; j < z.length; j++) {
        z[j] = scale[j] * SmoteDraws.noise(seed, key, child, scale.length, j);
      }
      return z;
    }, DataTypes.createArrayType(DataTypes.DoubleType, false));
    return noise.apply(col(KEY), col(CHILD), col(LABEL));
  }

  private static Column[] outputColumns(StructType schema) {
    return java.util.Arrays.stream(schema.fields()).map(f -> col(quoted(f.name())).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
  }

  private static Dataset<Row> castFeatures(Dataset<Row> df, SmoteSettings s) {
    Dataset<Row> out = df;
    for (String c : s.featureCols()) {
      out = out.withColumn(c, col(quoted(c)).cast("double"));
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
      return functions.vector_to_array(col(quoted(s.featuresCol())), "float64");
    }
    return array(s.featureCols().stream().map(c -> col(quoted(c)).cast("double")).toArray(Column[]::new));
  }

  /** A Spark array<double> as a Java array. */
  private static double[] doubles(scala.collection.Seq<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.apply(i);
    }
    return out;
  }

  /** Scala Seq of column names, for joins. */
  static scala.collection.immutable.Seq<String> toSeq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
