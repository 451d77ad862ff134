package io.sampleforge.spark.subset;

import io.sampleforge.spark.common.ColumnNames;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.StratumPlan;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * GME-diverse subsets on Spark (greedy maximum-entropy selection, Delmas et al. 2023; semantics of
 * idiap/gme-sampler, see {@link io.sampleforge.subset.GreedyMaxEntropy}). Plan: validate ->
 * one row per (stratum, item) with sorted value arrays ({@link GmeItems}, one shuffle) -> item
 * counts per stratum and the size plan on the driver -> strata hash-partitioned across tasks, items
 * sorted by id inside each, each stratum selected by the kernel inside one task ({@link
 * GmeStrataRunner}) -> ranking cached and checked against the plan -> optionally the selected
 * items' input rows joined back. A stratum's greedy loop is sequential (each pick depends on all
 * earlier ones) and runs in one task with {@code threads} scoring threads: a Spark round per pick
 * would cost more in scheduling than scoring a million candidates does. Strata run in parallel.
 * {@code scoring: distributed} instead shards each stratum's items across executors with one Spark
 * round per pick ({@link DistributedGme}), for strata too large for one executor.
 */
public final class GmeSelection {
  public static final String RANK = "rank";
  public static final String ROWS_RANK = "gme_rank";
  public static final String OBJECTIVE = "objective";
  public static final String DECREASED = "entropy_decreased";

  private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(GmeSelection.class);

  private GmeSelection() {}

  /** The ranking column holding column {@code attribute}'s entropy after each pick. */
  public static String entropyColumn(String attribute) {
    return "entropy_" + attribute;
  }

  /**
   * The job's path: the ranking is computed now, cached, checked against the plan (the count
   * contract) and summarised per stratum; the caller writes it and then calls {@link
   * GmeResult#release()}.
   */
  public static GmeResult run(Dataset<Row> input, GmeSettings s, boolean withRows) {
    validate(input, s, withRows);
    // on disk, not in the heap: the selection that reads it books the heap for its corpus, and
    // cached blocks Spark keeps in storage memory would not make way for it
    Dataset<Row> items = GmeItems.of(input, s).persist(StorageLevel.DISK_ONLY());
    List<String> warnings = new ArrayList<>();
    List<StratumPlan> plans = plan(items, s, warnings);
    Dataset<Row> ranking = ranking(input, items, s, plans).persist(StorageLevel.MEMORY_AND_DISK());
    List<StratumOutcome> outcomes = verify(ranking, s, plans);
    items.unpersist();
    Dataset<Row> rows = withRows ? rowsOf(input, ranking, s) : null;
    return new GmeResult(ranking, rows, outcomes, warnings, List.of(ranking));
  }

  /**
   * The {@link GmeSelector} stage's path: validation and the size plan run now (one count of null
   * ids, one count per stratum); with in-task scoring the selection itself runs when an action
   * reads the result (each action selects again, the same picks), and nothing is cached. With
   * distributed scoring the selection, a driver loop of Spark rounds, runs now, with the items
   * cached on disk until it ends; the result then holds the picks on the driver. Warnings (capped
   * strata) go to the log.
   */
  static Dataset<Row> select(Dataset<Row> input, GmeSettings s, boolean withRows) {
    validate(input, s, withRows);
    Dataset<Row> items = GmeItems.of(input, s);
    boolean distributed = s.scoring() == GmeScoring.DISTRIBUTED;
    if (distributed) {
      items = items.persist(StorageLevel.DISK_ONLY());
    }
    Dataset<Row> ranking;
    try {
      List<String> warnings = new ArrayList<>();
      List<StratumPlan> plans = plan(items, s, warnings);
      warnings.forEach(w -> LOG.warn("gme: {}", w));
      ranking = ranking(input, items, s, plans);
    } finally {
      if (distributed) {
        items.unpersist();
      }
    }
    return withRows ? rowsOf(input, ranking, s) : ranking;
  }

  /** The columns {@link #select} returns (no Spark job). */
  static StructType outputSchema(StructType input, GmeSettings s, boolean withRows) {
    GmeItems.validateSchema(input, s);
    if (!withRows) {
      return rankingSchema(input, s);
    }
    requireRankColumnFree(input);
    return input.add(DataTypes.createStructField(ROWS_RANK, DataTypes.IntegerType, false));
  }

  private static void validate(Dataset<Row> input, GmeSettings s, boolean withRows) {
    GmeItems.validate(input, s);
    if (withRows) {
      requireRankColumnFree(input.schema());
    }
  }

  private static void requireRankColumnFree(StructType input) {
    if (java.util.Arrays.asList(input.fieldNames()).contains(ROWS_RANK)) {
      throw InputDataException.of(ROWS_RANK, "is reserved for the rank of emitted rows; rename it in the input", ROWS_RANK);
    }
  }

  /** The ranking of every stratum: distributed scoring computes it now, in-task scoring when an action runs. */
  private static Dataset<Row> ranking(Dataset<Row> input, Dataset<Row> items, GmeSettings s, List<StratumPlan> plans) {
    Map<String, Long> picks = new HashMap<>();
    plans.forEach(p -> picks.put(p.stratum(), p.picks()));
    int partitions = (int) Math.max(1, Math.min(plans.size(), input.sparkSession().sparkContext().defaultParallelism()));
    StructType schema = rankingSchema(input.schema(), s);
    return s.scoring() == GmeScoring.DISTRIBUTED
        ? input.sparkSession().createDataFrame(distributed(items, s, plans), schema)
        : items.repartition(partitions, col(GmeItems.STRATUM_KEY))
            .sortWithinPartitions(col(GmeItems.STRATUM_KEY), col(GmeItems.ITEM))
            .mapPartitions(new GmeStrataRunner(s, picks), Encoders.row(schema));
  }

  private static List<StratumPlan> plan(Dataset<Row> items, GmeSettings s, List<String> warnings) {
    List<StratumPlan> plans = new ArrayList<>();
    List<Row> counts = items.groupBy(col(GmeItems.STRATUM_KEY)).count().orderBy(col(GmeItems.STRATUM_KEY)).collectAsList();
    for (Row r : counts) {
      String key = r.isNullAt(0) ? null : r.getString(0);
      long n = r.getLong(1);
      StratumPlan p = StratumPlan.of(key, n, s.sizeFor(key), s.whenShort());
      String where = s.stratifyBy() == null ? "the input" : "stratum " + s.stratifyBy() + "=" + key;
      if (p == null) {
        throw InputDataException.of(s.stratifyBy() == null ? s.itemColumn() : s.stratifyBy(),
            "must provide at least n items per stratum (when_short: fail)",
            where + " has " + n + " items but n=" + s.sizeFor(key).text() + " asks for " + s.sizeFor(key).requested(n));
      }
      if (p.capped()) {
        warnings.add(where + " has " + n + " items, fewer than the " + p.requested() + " requested; selected all " + n);
      }
      plans.add(p);
    }
    for (String k : s.strataSizes().keySet()) {
      if (plans.stream().noneMatch(p -> Objects.equals(p.stratum(), k))) {
        warnings.add("strata_n names stratum '" + k + "', which has no rows in column " + s.stratifyBy());
      }
    }
    return plans;
  }

  /** Every stratum through {@link DistributedGme}, one after the other. */
  private static List<Row> distributed(Dataset<Row> items, GmeSettings s, List<StratumPlan> plans) {
    int shards = s.shards() > 0 ? s.shards() : items.sparkSession().sparkContext().defaultParallelism();
    List<Row> out = new ArrayList<>();
    for (StratumPlan p : plans) {
      Column same = p.stratum() == null ? col(GmeItems.STRATUM_KEY).isNull() : col(GmeItems.STRATUM_KEY).equalTo(p.stratum());
      Dataset<Row> stratum = items.filter(same);
      int[] cardinalities = new int[s.attributes().size()];
      for (int j = 0; j < cardinalities.length; j++) {
        cardinalities[j] = (int) stratum.select(org.apache.spark.sql.functions.explode(col(GmeItems.values(j))))
            .distinct().count();
      }
      Object value = stratum.select(col(GmeItems.STRATUM)).first().get(0);
      out.addAll(DistributedGme.select(stratum, value, s, cardinalities, Math.toIntExact(p.picks()), shards));
    }
    return out;
  }

  /**
   * One aggregation over the cached ranking: picks per stratum (checked against the plan: the
   * count contract), picks that lowered an entropy, and the entropies after the last pick.
   */
  private static List<StratumOutcome> verify(Dataset<Row> ranking, GmeSettings s, List<StratumPlan> plans) {
    Column key = s.stratifyBy() == null ? org.apache.spark.sql.functions.lit(null).cast(DataTypes.StringType)
        : col(ColumnNames.quoted(s.stratifyBy())).cast(DataTypes.StringType);
    List<Column> entropies = new ArrayList<>();
    s.attributes().forEach(a -> entropies.add(col(ColumnNames.quoted(entropyColumn(a)))));
    Column last = org.apache.spark.sql.functions.max_by(
        org.apache.spark.sql.functions.array(entropies.toArray(Column[]::new)), col(RANK));
    Map<String, Row> got = new HashMap<>();
    for (Row r : ranking.groupBy(key).agg(org.apache.spark.sql.functions.count(col(RANK)),
        org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(col(DECREASED), 1).otherwise(0)), last)
        .collectAsList()) {
      got.put(r.isNullAt(0) ? null : r.getString(0), r);
    }
    List<StratumOutcome> out = new ArrayList<>();
    for (StratumPlan p : plans) {
      Row r = got.get(p.stratum());
      long n = r == null ? 0 : r.getLong(1);
      if (n != p.picks()) {
        throw new IllegalStateException("GME count contract broken for stratum " + p.stratum() + ": planned "
            + p.picks() + " picks, got " + n);
      }
      double[] h = new double[s.attributes().size()];
      if (r != null && !r.isNullAt(3)) {
        List<Double> values = r.getList(3);
        for (int j = 0; j < h.length; j++) {
          h[j] = values.get(j);
        }
      }
      out.add(new StratumOutcome(p, h, r == null ? 0 : r.getLong(2)));
    }
    return out;
  }

  private static StructType rankingSchema(StructType in, GmeSettings s) {
    List<StructField> fields = new ArrayList<>();
    if (s.stratifyBy() != null) {
      fields.add(DataTypes.createStructField(s.stratifyBy(), in.apply(s.stratifyBy()).dataType(), true));
    }
    fields.add(DataTypes.createStructField(RANK, DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField(s.itemColumn(), in.apply(s.itemColumn()).dataType(), false));
    for (String a : s.attributes()) {
      fields.add(DataTypes.createStructField(entropyColumn(a), DataTypes.DoubleType, false));
    }
    fields.add(DataTypes.createStructField(OBJECTIVE, DataTypes.DoubleType, false));
    fields.add(DataTypes.createStructField(DECREASED, DataTypes.BooleanType, false));
    return DataTypes.createStructType(fields);
  }

  /** The selected items' input rows with their rank, ordered by stratum and rank. */
  private static Dataset<Row> rowsOf(Dataset<Row> input, Dataset<Row> ranking, GmeSettings s) {
    String item = ColumnNames.quoted(s.itemColumn());
    Dataset<Row> r = ranking.select(col(item).as("__sel_item"), col(RANK).as(ROWS_RANK),
        s.stratifyBy() == null ? org.apache.spark.sql.functions.lit(null).as("__sel_stratum")
            : col(ColumnNames.quoted(s.stratifyBy())).as("__sel_stratum"));
    Column on = input.col(item).equalTo(r.col("__sel_item"));
    if (s.stratifyBy() != null) {
      on = on.and(input.col(ColumnNames.quoted(s.stratifyBy())).eqNullSafe(r.col("__sel_stratum")));
    }
    List<Column> order = new ArrayList<>();
    if (s.stratifyBy() != null) {
      order.add(col(ColumnNames.quoted(s.stratifyBy())));
    }
    order.add(col(ROWS_RANK));
    return input.join(r, on).drop("__sel_item", "__sel_stratum").orderBy(order.toArray(Column[]::new));
  }
}
