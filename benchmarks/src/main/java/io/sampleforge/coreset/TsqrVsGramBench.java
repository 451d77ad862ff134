package io.sampleforge.coreset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The two distributed routes to leverage scores on one cached matrix (local[*]): the coreset stage's Gram
 * route (per-partition double-double Gram, driver Cholesky, one scoring pass) against Spark MLlib's
 * {@code RowMatrix.tallSkinnyQR(false)} (R from a tree of local QRs, then the same scoring pass with R).
 * Prints medians of REPEATS for each and the largest score difference of each against an oracle file (one
 * score per line: numpy's Householder QR, bench/coreset/numpy_scores.py dump).
 * Usage: TsqrVsGramBench CSV REPEATS ORACLE [PARTITIONS].
 */
public final class TsqrVsGramBench {
  private TsqrVsGramBench() {}

  public static void main(String[] args) throws Exception {
    double[][] a = CoresetBench.read(java.nio.file.Path.of(args[0]));
    int repeats = Integer.parseInt(args[1]);
    int d = a[0].length;
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      cols.add("c" + j);
    }
    double[] exact = java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[2])).stream()
        .mapToDouble(Double::parseDouble).toArray();
    SparkSession spark = SparkSession.builder().master("local[*]").config("spark.ui.enabled", "false").getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parts = args.length > 3 ? Integer.parseInt(args[3]) : sc.defaultParallelism();
    JavaRDD<double[]> rows = sc.parallelize(Arrays.asList(a), parts).persist(StorageLevel.MEMORY_ONLY());
    rows.count();
    JavaRDD<Vector> vectors = rows.map(Vectors::dense).persist(StorageLevel.MEMORY_ONLY());
    vectors.count();
    double[] gramT = new double[repeats];
    double[] tsqrT = new double[repeats];
    double gramErr = 0;
    double tsqrErr = 0;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      GramAccumulator zero = new GramAccumulator(d);
      GramAccumulator g = rows.mapPartitions(it -> {
        GramAccumulator local = zero;
        while (it.hasNext()) {
          local.add(it.next(), 1.0);
        }
        return List.of(local).iterator();
      }).reduce(GramAccumulator::merge);
      GramFactor f = GramFactor.of(g.matrix(), 0, cols);
      List<Double> gs = rows.map(v -> f.quadratic(v, new double[d])).collect();
      gramT[r] = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      Matrix rm = new RowMatrix(vectors.rdd()).tallSkinnyQR(false).R();
      double[][] upper = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          upper[i][j] = rm.apply(i, j);
        }
      }
      List<Double> ts = rows.map(v -> {
        double[] z = new double[d];   // solve R^T z = a (forward substitution), score |z|^2
        double q = 0;
        for (int i = 0; i < d; i++) {
          double s = v[i];
          for (int k = 0; k < i; k++) {
            s -= upper[k][i] * z[k];
          }
          z[i] = s / upper[i][i];
          q += z[i] * z[i];
        }
        return q;
      }).collect();
      tsqrT[r] = (System.nanoTime() - t1) / 1e9;
      for (int i = 0; i < a.length; i++) {
        gramErr = Math.max(gramErr, Math.abs(gs.get(i) - exact[i]));
        tsqrErr = Math.max(tsqrErr, Math.abs(ts.get(i) - exact[i]));
      }
    }
    Arrays.sort(gramT);
    Arrays.sort(tsqrT);
    System.out.printf(Locale.ROOT, "rows=%d d=%d partitions=%d gram_s=%.3f tsqr_s=%.3f gram_max_err=%.3g tsqr_max_err=%.3g%n",
        a.length, d, parts, gramT[repeats / 2], tsqrT[repeats / 2], gramErr, tsqrErr);
    spark.stop();
  }
}
