package io.sampleforge.spark.coreset;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.coreset.CoresetMethod;
import io.sampleforge.coreset.CoresetSampling;
import io.sampleforge.coreset.CoresetScoring;
import io.sampleforge.coreset.CoresetSettings;
import io.sampleforge.coreset.CoresetSketch;
import io.sampleforge.coreset.Coresets;
import io.sampleforge.coreset.ExactSum;
import io.sampleforge.coreset.GramAccumulator;
import io.sampleforge.coreset.GramFactor;
import io.sampleforge.coreset.LeverageFactor;
import io.sampleforge.coreset.LewisIteration;
import io.sampleforge.coreset.LewisPass;
import io.sampleforge.coreset.PoissonDraw;
import io.sampleforge.coreset.ReplacementDraws;
import io.sampleforge.coreset.ScoreTotals;
import io.sampleforge.coreset.SketchError;
import io.sampleforge.coreset.SketchPass;
import io.sampleforge.spark.common.RecordKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Coreset sampling of a Spark table (the {@code coreset} job's stage), distributed as the Gram route
 * of a tall-skinny factorisation: (1) the numeric n x d matrix is extracted once and cached; (2) one
 * pass sums the per-partition d x d Gram matrices (double-double, so the sum does not depend on the
 * partitioning) and the driver factors it ({@link GramFactor}); Lewis weights repeat this pass per
 * fixed-point iteration on the cached matrix ({@link LewisIteration}); (3) one pass scores every row and
 * sums the scores per key bucket ({@link ScoreTotals}); (4) the last pass, run when the output is
 * written, draws the rows by their keys ({@link PoissonDraw}, or {@link ReplacementDraws} after a
 * shuffle of the rows of the buckets that received draws) and appends score and weight. Cost: O(n d^2)
 * per pass, 3 passes (2 + one per Lewis iteration) plus the write; d x d doubles on the driver. With
 * {@code sketch countsketch}, pass (2) sums the s x d CountSketch instead ({@link SketchPass}: O(n d), plus
 * the exact Gram matrix in the same scan when the error is checked) and R comes from a QR of SA on the
 * driver (O(s d^2)).
 */
public final class CoresetStage {
  static final String KEY = "__sf_coreset_key";
  static final String BUCKET = "__sf_coreset_bucket";

  private CoresetStage() {}

  public static CoresetResult run(Dataset<Row> input, CoresetSettings s) {
    CoresetInput.validateSchema(input.schema(), s);
    if (s.idColumn() != null) {
      RecordKeys.requireUniqueIds(input, s.idColumn());
    }
    Dataset<Row> keyed = RecordKeys.withKeys(input, s.idColumn(), KEY);
    List<Runnable> cached = new ArrayList<>();
    if (s.idColumn() == null) {
      keyed = keyed.persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> k = keyed;
      cached.add(k::unpersist);
    }
    CoresetInput.requireFinite(keyed, s, KEY);
    int[] featureAt = featureIndices(keyed.schema(), s);
    int keyAt = keyed.schema().fieldIndex(KEY);
    JavaRDD<KeyedVector> matrix = keyed.javaRDD().map(r -> new KeyedVector(r.getLong(keyAt), features(r, featureAt)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(matrix::unpersist);
    long n = matrix.count();
    Coresets.checkShape(n, s);
    int d = s.d();
    int passes = 0;
    double lewisChange = Double.NaN;
    LeverageFactor factor = null;
    SketchError sketchError = SketchError.NOT_MEASURED;
    if (s.sketch() != CoresetSketch.NONE) {
      int rowsS = s.sketchSize();
      long seed = s.seed();
      boolean check = s.sketchCheck();
      SketchPass sketched = matrix.mapPartitions(rows -> {
        SketchPass local = new SketchPass(rowsS, d, seed, check);
        while (rows.hasNext()) {
          KeyedVector v = rows.next();
          local.add(v.key(), v.a());
        }
        return List.of(local).iterator();
      }).reduce(SketchPass::merge);
      factor = sketched.factor(s.ridge(), s.features());
      sketchError = sketched.error(s.ridge(), s.features());
      passes = check ? 1 : 0;
    } else if (s.method() == CoresetMethod.LEWIS) {
      LewisIteration.Result lewis = LewisIteration.run(pass -> matrix.mapPartitions(rows -> {
        LewisPass local = pass;
        while (rows.hasNext()) {
          local.add(rows.next().a());
        }
        return List.of(local).iterator();
      }).reduce(LewisPass::merge), d, s.p(), s.maxIterations(), s.tolerance(), s.features());
      factor = lewis.factor();
      passes = lewis.iterations();
      lewisChange = lewis.maxChange();
    } else if (s.method().needsFactor()) {
      GramAccumulator zero = new GramAccumulator(d);
      GramAccumulator gram = matrix.mapPartitions(rows -> {
        GramAccumulator local = zero;
        while (rows.hasNext()) {
          local.add(rows.next().a(), 1.0);
        }
        return List.of(local).iterator();
      }).reduce(GramAccumulator::merge);
      factor = GramFactor.of(gram.matrix(), s.ridge(), s.features());
      passes = 1;
    }
    CoresetScoring scoring = new CoresetScoring(s.method(), s.p(), factor);
    ScoreTotals totals = matrix.mapPartitions(rows -> {
      ScoreTotals local = new ScoreTotals();
      double[] scratch = new double[d];
      while (rows.hasNext()) {
        KeyedVector v = rows.next();
        local.add(v.key(), scoring.score(v.a(), scratch));
      }
      return List.of(local).iterator();
    }).reduce(ScoreTotals::merge);
    double[] bucketTotals = totals.bucketTotals();
    double total = ReplacementDraws.total(bucketTotals);
    long size = s.m();
    double expected = s.sampling() == CoresetSampling.WITH_REPLACEMENT || size * totals.maxScore() / total <= 1.0
        ? size : matrix.mapPartitions(rows -> {
          ExactSum local = new ExactSum();
          double[] scratch = new double[d];
          while (rows.hasNext()) {
            local.add(PoissonDraw.probability(scoring.score(rows.next().a(), scratch), size, total));
          }
          return List.of(local).iterator();
        }).reduce(ExactSum::merge).value();
    CoresetStats stats = new CoresetStats(n, d, total, totals.maxScore(), expected, passes, lewisChange,
        s.sketchSize(), sketchError);
    Dataset<Row> out = s.sampling() == CoresetSampling.POISSON
        ? poisson(keyed, s, scoring, total, featureAt, keyAt)
        : withReplacement(keyed, s, scoring, bucketTotals, total, featureAt, keyAt);
    return new CoresetResult(out, stats, cached);
  }

  private static Dataset<Row> poisson(Dataset<Row> keyed, CoresetSettings s, CoresetScoring scoring, double total,
      int[] featureAt, int keyAt) {
    StructType schema = outputSchema(keyed.schema(), false);
    int width = keyed.schema().size() - 1;
    long seed = s.seed();
    long size = s.m();
    int d = s.d();
    return keyed.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
      double[] scratch = new double[d];
      List<Row> kept = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        double score = scoring.score(features(r, featureAt), scratch);
        double p = PoissonDraw.probability(score, size, total);
        if (PoissonDraw.kept(seed, r.getLong(keyAt), p)) {
          kept.add(extend(r, keyAt, width, score, 1.0 / p, -1));
        }
      }
      return kept.iterator();
    }, Encoders.row(schema));
  }

  private static Dataset<Row> withReplacement(Dataset<Row> keyed, CoresetSettings s, CoresetScoring scoring,
      double[] bucketTotals, double total, int[] featureAt, int keyAt) {
    long[] perBucket = ReplacementDraws.bucketCounts(bucketTotals, s.m(), s.seed());
    StructType schema = outputSchema(keyed.schema(), true);
    int width = keyed.schema().size() - 1;
    long seed = s.seed();
    long size = s.m();
    Dataset<Row> drawn = keyed
        .withColumn(BUCKET, org.apache.spark.sql.functions.udf(
            (org.apache.spark.sql.api.java.UDF1<Long, Integer>) ReplacementDraws::bucket, DataTypes.IntegerType)
            .apply(col(KEY)))
        .filter((org.apache.spark.api.java.function.FilterFunction<Row>) r -> perBucket[r.getInt(r.size() - 1)] > 0)
        .repartition(col(BUCKET))
        .sortWithinPartitions(col(BUCKET), col(KEY));
    int d = s.d();
    return drawn.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
      double[] scratch = new double[d];
      List<Row> out = new ArrayList<>();
      BucketState state = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        int b = r.getInt(r.size() - 1);
        if (state == null || state.bucket != b) {
          if (state != null) {
            state.finish(out, keyAt, width, total, size);
          }
          state = new BucketState(b, new ReplacementDraws.BucketWalk(seed, b, perBucket[b], bucketTotals[b]));
        }
        state.add(r, scoring.score(features(r, featureAt), scratch));
      }
      if (state != null) {
        state.finish(out, keyAt, width, total, size);
      }
      return out.iterator();
    }, Encoders.row(schema));
  }

  /**
   * One bucket's walk in key order: the rows drawn so far and the last row with a positive score, which
   * takes the draws left past the running total by rounding. Holds only drawn rows (at most the bucket's
   * draw count).
   */
  private static final class BucketState {
    final int bucket;
    final ReplacementDraws.BucketWalk walk;
    final List<Pending> drawn = new ArrayList<>();
    Pending lastPositive;

    BucketState(int bucket, ReplacementDraws.BucketWalk walk) {
      this.bucket = bucket;
      this.walk = walk;
    }

    void add(Row r, double score) {
      int c = walk.take(score);
      if (score > 0) {
        lastPositive = new Pending(r, score, c);
        if (c > 0) {
          drawn.add(lastPositive);
        }
      }
    }

    void finish(List<Row> out, int keyAt, int width, double total, long size) {
      int left = walk.leftover();
      if (left > 0 && lastPositive != null) {
        if (!drawn.isEmpty() && drawn.get(drawn.size() - 1) == lastPositive) {
          drawn.remove(drawn.size() - 1);
        }
        drawn.add(new Pending(lastPositive.row(), lastPositive.score(), lastPositive.draws() + left));
      }
      for (Pending p : drawn) {
        out.add(extend(p.row(), keyAt, width, p.score(), p.draws() * total / (size * p.score()), p.draws()));
      }
    }
  }

  private record Pending(Row row, double score, int draws) {}

  static Row extend(Row r, int keyAt, int width, double score, double weight, int draws) {
    Object[] v = new Object[width + (draws >= 0 ? 3 : 2)];
    int at = 0;
    for (int i = 0; i < r.size() && at < width; i++) {
      if (i != keyAt) {
        v[at++] = r.get(i);
      }
    }
    v[at++] = score;
    v[at++] = weight;
    if (draws >= 0) {
      v[at] = draws;
    }
    return RowFactory.create(v);
  }

  static StructType outputSchema(StructType keyed, boolean draws) {
    StructType out = new StructType();
    for (var f : keyed.fields()) {
      if (!f.name().equals(KEY) && !f.name().equals(BUCKET)) {
        out = out.add(f);
      }
    }
    out = out.add(CoresetSettings.SCORE, DataTypes.DoubleType, false).add(CoresetSettings.WEIGHT, DataTypes.DoubleType, false);
    return draws ? out.add(CoresetSettings.DRAWS, DataTypes.IntegerType, false) : out;
  }

  static int[] featureIndices(StructType schema, CoresetSettings s) {
    int[] at = new int[s.d()];
    for (int j = 0; j < at.length; j++) {
      at[j] = schema.fieldIndex(s.features().get(j));
    }
    return at;
  }

  static double[] features(Row r, int[] at) {
    double[] a = new double[at.length];
    for (int j = 0; j < at.length; j++) {
      a[j] = ((Number) r.get(at[j])).doubleValue();
    }
    return a;
  }
}
