package io.sampleforge.spark.tabular;

import io.sampleforge.random.RandomPurpose;

import static io.sampleforge.spark.common.ColumnNames.quoted;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.random.KeyedStream;
import io.sampleforge.tabular.SmoteSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The nominal part of SMOTE-NC (Chawla et al., JAIR 2002, section 6.1), without one-hot
 * encoding: each categorical value is carried as a 64-bit code (hash of its string form; null is
 * a value of its own), the distance between two rows adds med² per differing categorical column,
 * med being the median of the class's continuous population standard deviations (the paper's
 * rule, and imbalanced-learn's from 0.12 on; 0.10 adds med²/2 and uses the smallest class's
 * median for every class), and each categorical of a synthetic row takes the most frequent value
 * among its parent's k neighbours, ties broken by keyed randomness (seed, parent, child, column).
 * Memory does not grow with the number of distinct values. Cost: a code per value; two
 * aggregations over the (parent, neighbour, column) votes.
 */
final class NominalFeatures {
  static final String CODES = "__sf_codes";
  static final String VALUES = "__sf_values";
  /** Stands for null in value arrays; sorts after every ordinary string (so null is the last value, as in numpy). */
  private static final String NULL = "\uffffnull";
  private static final String TIED = "__sf_tied_";

  private NominalFeatures() {}

  /** Adds the code and string-value arrays of the categorical columns. */
  static Dataset<Row> withCodes(Dataset<Row> keyed, SmoteSettings s) {
    List<String> cats = s.categoricalCols();
    Column[] codes = cats.stream().map(c -> xxhash64(col(quoted(c)).cast("string"))).toArray(Column[]::new);
    Column[] values = cats.stream().map(c -> coalesce(col(quoted(c)).cast("string"), lit(NULL))).toArray(Column[]::new);
    return keyed.withColumn(CODES, array(codes)).withColumn(VALUES, array(values));
  }

  /** label -> med², med the median of the class's continuous standard deviations. */
  static Map<String, Double> penalties(Dataset<Row> minority) {
    Map<String, Double> out = new HashMap<>();
    ClassMoments.std(minority).forEach((label, sd) -> {
      double[] sorted = sd.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double med = n == 0 ? 0 : (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
      out.put(label, med * med);
    });
    return out;
  }

  /**
   * Adds one column per categorical column to {@code parents}: the sorted values tied for most
   * frequent among the parent's neighbours ({@code neighborKeys}); null when it has none.
   */
  static Dataset<Row> withModes(Dataset<Row> parents, Dataset<Row> minority, String key, String neighborKeys, int columns) {
    String nk = "__sf_vote_key";
    Dataset<Row> votes = parents.select(col(key), explode(col(neighborKeys)).as(nk))
        .join(minority.select(col(key).as(nk), posexplode(col(VALUES))), nk)
        .groupBy(col(key), col("pos"), col("col")).count();
    Dataset<Row> best = votes.groupBy(col(key), col("pos")).agg(max(col("count")).as("__sf_best"));
    Dataset<Row> tied = votes.join(best, SmoteExecution.toSeq(key, "pos"))
        .filter(col("count").equalTo(col("__sf_best")))
        .groupBy(col(key), col("pos")).agg(array_sort(collect_list(col("col"))).as("__sf_tied"));
    Object[] positions = new Object[columns];
    for (int j = 0; j < columns; j++) {
      positions[j] = j;
    }
    Dataset<Row> wide = tied.groupBy(col(key)).pivot("pos", Arrays.asList(positions)).agg(first(col("__sf_tied")));
    for (int j = 0; j < columns; j++) {
      wide = wide.withColumnRenamed(String.valueOf(j), TIED + j);
    }
    return parents.join(wide, SmoteExecution.toSeq(key), "left");
  }

  /** The value of categorical column {@code j} for a child: a keyed pick among the tied modes, else the parent's value. */
  static Column chosen(int j, long seed, String key, String child, String parentValue) {
    UserDefinedFunction pick = udf((UDF4<Long, Long, Integer, Integer, Integer>) (k, c, col, n) ->
        n <= 1 ? 0 : KeyedStream.of(seed, RandomPurpose.SMOTE_NC_TIE, k).nextIndex((c << 16) + col, n), DataTypes.IntegerType);
    Column tied = col(TIED + j);
    Column fromModes = element_at(tied, pick.apply(col(key), col(child), lit(j), size(tied)).plus(1));
    Column value = when(tied.isNotNull().and(size(tied).gt(0)), fromModes).otherwise(col(quoted(parentValue)).cast("string"));
    return when(value.equalTo(lit(NULL)), lit(null).cast("string")).otherwise(value);
  }

  /** The smallest of the tied modes of categorical column {@code j} (SMOTEN's deterministic rule), else the parent's value. */
  static Column smallest(int j, String parentValue) {
    Column tied = col(TIED + j);
    Column value = when(tied.isNotNull().and(size(tied).gt(0)), element_at(tied, 1)).otherwise(col(quoted(parentValue)).cast("string"));
    return when(value.equalTo(lit(NULL)), lit(null).cast("string")).otherwise(value);
  }

  /**
   * SMOTEN's value difference metric embedding: for every categorical column, each value becomes
   * its vector of class frequencies P(class | value) over {@code rows} (all classes, labels in
   * sorted order); the row's features are the concatenation, one group of C columns per
   * categorical column ({@link io.sampleforge.neighbors.FeatureBlock#grouped}). One aggregation
   * over (column, value, class); the table of values is collected to the driver.
   *
   * @param rows with {@link #VALUES} and {@link SmoteExecution#LABEL}
   * @return a column of double arrays of width columns·C
   */
  static Column vdmEmbedding(Dataset<Row> rows, List<String> labels, int columns) {
    int classes = labels.size();
    Map<String, Integer> classIndex = new HashMap<>();
    for (int i = 0; i < classes; i++) {
      classIndex.put(labels.get(i), i);
    }
    HashMap<String, double[]> table = new HashMap<>(); // "pos\u0000value" -> counts per class
    for (Row r : rows.select(col(SmoteExecution.LABEL), posexplode(col(VALUES)))
        .groupBy(col("pos"), col("col"), col(SmoteExecution.LABEL)).count().collectAsList()) {
      double[] c = table.computeIfAbsent(r.getInt(0) + "\u0000" + r.getString(1), x -> new double[classes]);
      c[classIndex.get(r.getString(2))] += r.getLong(3);
    }
    table.values().forEach(c -> {
      double total = 0;
      for (double v : c) {
        total += v;
      }
      for (int i = 0; i < c.length; i++) {
        c[i] = total == 0 ? 0 : c[i] / total;
      }
    });
    UserDefinedFunction embed = udf((org.apache.spark.sql.api.java.UDF1<scala.collection.Seq<String>, double[]>) values -> {
      List<String> v = scala.jdk.javaapi.CollectionConverters.asJava(values);
      double[] out = new double[columns * classes];
      for (int j = 0; j < columns; j++) {
        double[] p = table.get(j + "\u0000" + v.get(j));
        if (p != null) {
          System.arraycopy(p, 0, out, j * classes, classes);
        }
      }
      return out;
    }, DataTypes.createArrayType(DataTypes.DoubleType, false));
    return embed.apply(col(VALUES));
  }

  /** Exclusive group ends of {@link #vdmEmbedding}: C, 2C, ..., columns·C. */
  static int[] vdmGroups(int columns, int classes) {
    int[] ends = new int[columns];
    for (int j = 0; j < columns; j++) {
      ends[j] = (j + 1) * classes;
    }
    return ends;
  }
}
