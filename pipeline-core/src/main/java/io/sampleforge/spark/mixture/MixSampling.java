package io.sampleforge.spark.mixture;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.errors.InputDataException;
import io.sampleforge.mixture.KeyedSelection;
import io.sampleforge.mixture.MixPlan;
import io.sampleforge.mixture.MixPlanner;
import io.sampleforge.mixture.MixSpec;
import io.sampleforge.random.Hash64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark stage of mixture sampling: validates the input (a string source column without nulls, a
 * non-null id unique within its source), counts each source in one aggregation, plans the exact counts
 * on the driver ({@link MixPlanner}), and draws each source's c rows as the c smallest keyed priorities
 * ({@link KeyedSelection}) without sorting the table: a threshold pass keeps the rows whose priority is
 * below a per-source bound set a few standard deviations above the c/n quantile (checked: a source
 * with fewer than c candidates is redone with a wider bound, so the result is always exact), and only
 * these candidates are ranked. Cost: the count and the id check (one shuffle of (source, id)), one scan
 * for the candidates, and a sort of about c + 6 sqrt(c) rows per source.
 */
public final class MixSampling {
  /** The round column of the output. */
  public static final String ROUND = "mix_round";
  /** Which copy of a row this is (0, or more under with-replacement). */
  public static final String COPY = "mix_copy";
  private static final String KEY = "__mix_key";
  private static final String PRIORITY = "__mix_priority";
  private static final String BOUND = "__mix_bound";
  private static final String COUNT = "__mix_count";
  private static final String RANK = "__mix_rank";
  private static final String SRC = "__mix_source";
  private static final String SRC_HASH = "__mix_source_hash";
  private static final double TWO_63 = 0x1.0p63;

  private MixSampling() {}

  /** Several tables as one, each a source: a column {@code sourceCol} holding the source's name. */
  public static Dataset<Row> union(Map<String, Dataset<Row>> tables, String sourceCol) {
    Dataset<Row> all = null;
    for (Map.Entry<String, Dataset<Row>> e : new TreeMap<>(tables).entrySet()) {
      Dataset<Row> t = e.getValue();
      if (Arrays.asList(t.columns()).contains(sourceCol)) {
        throw InputDataException.of(sourceCol, "is the source column the job adds, but the table of source '"
            + e.getKey() + "' already has it", Arrays.toString(t.columns()));
      }
      t = t.withColumn(sourceCol, lit(e.getKey()));
      if (all != null && !Arrays.equals(sortedColumns(all), sortedColumns(t))) {
        throw new InputDataException("the tables of 'sources' must have the same columns; source '" + e.getKey()
            + "' has " + Arrays.toString(t.columns()) + ", the others " + Arrays.toString(all.columns()));
      }
      all = all == null ? t : all.unionByName(t);
    }
    return all;
  }

  private static String[] sortedColumns(Dataset<Row> t) {
    String[] c = t.columns().clone();
    Arrays.sort(c);
    return c;
  }

  /** Rows of {@code df} whose (source, id) is not in {@code previous} (earlier rounds' outputs). */
  public static Dataset<Row> excluding(Dataset<Row> df, Dataset<Row> previous, String sourceCol, String idCol) {
    Dataset<Row> taken = previous.select(col(sourceCol), col(idCol)).distinct();
    return df.join(taken, df.col(sourceCol).equalTo(taken.col(sourceCol)).and(df.col(idCol).equalTo(taken.col(idCol))),
        "left_anti");
  }

  /**
   * Checks the source and id columns and returns the row count of each source (sorted by name): a
   * null source fails naming a row's id, a null id or one repeated within a source fails naming it.
   */
  public static Map<String, Long> sourceCounts(Dataset<Row> df, String sourceCol, String idCol) {
    for (String c : List.of(sourceCol, idCol)) {
      if (!Arrays.asList(df.columns()).contains(c)) {
        throw InputDataException.of(c, "must be a column of the input (" + (c.equals(sourceCol) ? "source_column"
            : "id_column") + ")", Arrays.toString(df.columns()));
      }
    }
    if (!(df.schema().apply(sourceCol).dataType() instanceof org.apache.spark.sql.types.StringType)) {
      throw InputDataException.of(sourceCol, "(the source column) must hold strings",
          df.schema().apply(sourceCol).dataType().simpleString());
    }
    // one job: (source, id) groups, then per source its rows, its most repeated id and its null ids
    Dataset<Row> perId = df.groupBy(col(sourceCol), col(idCol)).count();
    List<Row> groups = perId.groupBy(col(sourceCol)).agg(org.apache.spark.sql.functions.sum(col("count")),
        org.apache.spark.sql.functions.max(col("count")),
        org.apache.spark.sql.functions.sum(when(col(idCol).isNull(), col("count")).otherwise(0L))).collectAsList();
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : groups) {
      if (r.isNullAt(0)) {
        Object id = df.filter(col(sourceCol).isNull()).select(col(idCol)).first().get(0);
        throw InputDataException.of(sourceCol, "(the source column) must not be null", "the row with id " + id
            + " (" + r.getLong(1) + " rows without a source)");
      }
      if (r.getLong(3) > 0) {
        throw InputDataException.of(idCol, "(the id column) must not be null", r.getLong(3) + " null ids in source '"
            + r.get(0) + "'");
      }
      if (r.getLong(2) > 1) {
        Row d = perId.filter(col(sourceCol).equalTo(r.getString(0)).and(col("count").gt(1))).first();
        throw InputDataException.of(idCol, "(the id column) must be unique within a source", "id " + d.get(1)
            + " appears " + d.getLong(2) + " times in source '" + d.get(0) + "'");
      }
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** The exact counts of a round ({@link MixPlanner}); {@code scores} only for strategy scores. */
  public static MixPlan plan(MixSpec spec, Map<String, Long> available, Map<String, Double> scores) {
    return MixPlanner.plan(spec, available, scores);
  }

  /** Reads the per-source scores of the latest round (the largest {@code roundCol}, when given). */
  public static Map<String, Double> latestScores(Dataset<Row> table, String sourceCol, String scoreCol,
      String roundCol) {
    for (String c : roundCol == null ? List.of(sourceCol, scoreCol) : List.of(sourceCol, scoreCol, roundCol)) {
      if (!Arrays.asList(table.columns()).contains(c)) {
        throw InputDataException.of(c, "must be a column of the scores table", Arrays.toString(table.columns()));
      }
    }
    Dataset<Row> t = table;
    if (roundCol != null) {
      Row max = t.agg(org.apache.spark.sql.functions.max(col(roundCol))).first();
      t = t.filter(col(roundCol).equalTo(lit(max.get(0))));
    }
    Map<String, Double> scores = new TreeMap<>();
    for (Row r : t.select(col(sourceCol).cast("string"), col(scoreCol).cast("double")).collectAsList()) {
      if (r.isNullAt(0)) {
        throw InputDataException.of(sourceCol, "(the scores table's source column) must not be null", r);
      }
      if (scores.containsKey(r.getString(0))) {
        throw InputDataException.of(sourceCol, "(the scores table) must list each source once per round",
            "source '" + r.getString(0) + "'");
      }
      scores.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1));
    }
    return scores;
  }

  /**
   * The round's sample: {@code plan.count(s)} rows of each source s, chosen by keyed priorities under
   * {@code seed} and {@code round}; the input's columns plus {@link #ROUND} and {@link #COPY}. The
   * candidates stay persisted until the caller releases the sample ({@link MixSample#release()}).
   */
  public static MixSample sample(Dataset<Row> df, String sourceCol, String idCol, MixPlan plan, long seed,
      int round) {
    SparkSession spark = df.sparkSession();
    // the source's name is hashed once on the driver (the bound table carries it), not once per row
    UserDefinedFunction priority = udf((UDF2<Long, Long, Long>) (sourceHash, k) ->
        KeyedSelection.priority(seed, round, sourceHash, k), DataTypes.LongType);
    Dataset<Row> keyed = df.withColumn(KEY, xxhash64(col(idCol)));
    double margin = 6;
    while (true) {
      Dataset<Row> bounds = boundTable(spark, plan, margin);
      Dataset<Row> candidates = keyed.join(broadcast(bounds), keyed.col(sourceCol).equalTo(bounds.col(SRC)))
          .withColumn(PRIORITY, priority.apply(col(SRC_HASH), col(KEY)))
          .filter(col(PRIORITY).leq(col(BOUND))).persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> found = new TreeMap<>();
      for (Row r : candidates.groupBy(col(SRC)).agg(count(lit(1))).collectAsList()) {
        found.put(r.getString(0), r.getLong(1));
      }
      boolean enough = plan.sources().stream().allMatch(s -> s.count() == 0
          || found.getOrDefault(s.source(), 0L) >= Math.min(s.count(), s.available()));
      if (!enough) {
        candidates.unpersist();
        margin *= 4;
        continue;
      }
      Column rank = row_number().over(Window.partitionBy(col(SRC)).orderBy(col(PRIORITY), col(KEY),
          col(idCol))); // the id last: two ids of one source with equal 64-bit hashes still order the same way
      Column copies = lit(0L);
      Column n = col("__mix_n");
      Column c = col(COUNT);
      Column copiesExpr = c.divide(n).cast("long").plus(when(col(RANK).leq(c.mod(n)), 1L).otherwise(0L));
      Dataset<Row> ranked = candidates.withColumn(RANK, rank).withColumn("__mix_copies", when(c.geq(n), copiesExpr)
          .otherwise(when(col(RANK).leq(c), 1L).otherwise(copies)))
          .filter(col("__mix_copies").gt(0));
      List<Column> out = new ArrayList<>();
      for (String name : df.columns()) {
        out.add(col("`" + name + "`"));
      }
      out.add(lit(round).as(ROUND));
      out.add(col(COPY));
      return new MixSample(ranked.withColumn(COPY, explode(sequence(lit(0), col("__mix_copies").cast("int").minus(1))))
          .select(out.toArray(new Column[0])), candidates);
    }
  }

  /** Per source with a positive count: its count, rows, and the priority bound of the threshold pass. */
  private static Dataset<Row> boundTable(SparkSession spark, MixPlan plan, double margin) {
    StructType schema = new StructType().add(SRC, DataTypes.StringType).add(COUNT, DataTypes.LongType)
        .add("__mix_n", DataTypes.LongType).add(BOUND, DataTypes.LongType).add(SRC_HASH, DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    for (MixPlan.Source s : plan.sources()) {
      if (s.count() == 0) {
        continue;
      }
      double q = s.count() >= s.available() ? 1.0
          : (s.count() + margin * Math.sqrt(s.count()) + 10.0 * margin / 6) / s.available();
      long bound = q >= 1.0 ? Long.MAX_VALUE : (long) (q * TWO_63);
      rows.add(RowFactory.create(s.source(), s.count(), s.available(), bound, Hash64.of(s.source())));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The realised count of each source in a written sample (for the manifest). */
  public static Map<String, Long> realised(Dataset<Row> sample, String sourceCol) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Row r : sample.groupBy(col(sourceCol)).agg(count(lit(1))).orderBy(col(sourceCol)).collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }
}
