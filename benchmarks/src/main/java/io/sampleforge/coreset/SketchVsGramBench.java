package io.sampleforge.coreset;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Exact against sketched leverage on one cached matrix (local[*]), the coreset stage's passes: the Gram
 * route (per-partition double-double Gram, driver Cholesky, one scoring pass) against the CountSketch
 * route ({@link SketchPass}: per-partition sketch, driver QR, the same scoring pass) with and without the
 * exact error check, for several sketch sizes, after two untimed warm-up runs of both passes. Prints, per
 * route, the median seconds of REPEATS of the factor (the pass that differs, plus the driver's Cholesky
 * or QR and eigenvalues) and of the scoring pass (the same triangular solve for both, scores collected to
 * the driver), the largest relative score error against the Gram route's scores (which match numpy's QR
 * to about 1e-14; bench/coreset results) and the measured bound max(distortion_max - 1, 1 -
 * distortion_min), seed 42; then the range and median of that bound over seeds 1..9. Input: a CSV (header
 * row, numeric columns) or {@code gaussian:N:D} (N keyed Gaussian rows with column scales 1..D).
 * Usage: SketchVsGramBench INPUT REPEATS SKETCH_ROWS[,..] [PARTITIONS].
 */
public final class SketchVsGramBench {
  private SketchVsGramBench() {}

  public static void main(String[] args) throws Exception {
    double[][] a = args[0].startsWith("gaussian:") ? gaussian(args[0]) : CoresetBench.read(java.nio.file.Path.of(args[0]));
    int repeats = Integer.parseInt(args[1]);
    int[] sizes = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    int d = a[0].length;
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      cols.add("c" + j);
    }
    List<Tuple2<Long, double[]>> keyed = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      keyed.add(new Tuple2<>(Hash64.mix(i), a[i]));
    }
    SparkSession spark = SparkSession.builder().master("local[*]").config("spark.ui.enabled", "false").getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parts = args.length > 3 ? Integer.parseInt(args[3]) : sc.defaultParallelism();
    JavaRDD<Tuple2<Long, double[]>> rows = sc.parallelize(keyed, parts).persist(StorageLevel.MEMORY_ONLY());
    rows.count();
    for (int warm = 0; warm < 2; warm++) { // JIT warm-up of both passes and the scoring, untimed
      GramAccumulator zero = new GramAccumulator(d);
      GramAccumulator g = rows.mapPartitions(it -> {
        GramAccumulator local = zero;
        while (it.hasNext()) {
          local.add(it.next()._2(), 1.0);
        }
        return List.of(local).iterator();
      }).reduce(GramAccumulator::merge);
      score(rows, GramFactor.of(g.matrix(), 0, cols), d);
      rows.mapPartitions(it -> {
        SketchPass local = new SketchPass(sizes[0], d, 42, false);
        while (it.hasNext()) {
          Tuple2<Long, double[]> v = it.next();
          local.add(v._1(), v._2());
        }
        return List.of(local).iterator();
      }).reduce(SketchPass::merge);
    }
    double[] exact = null;
    double[] gramT = new double[repeats];
    double[] scoreT = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      GramAccumulator zero = new GramAccumulator(d);
      GramAccumulator g = rows.mapPartitions(it -> {
        GramAccumulator local = zero;
        while (it.hasNext()) {
          local.add(it.next()._2(), 1.0);
        }
        return List.of(local).iterator();
      }).reduce(GramAccumulator::merge);
      GramFactor f = GramFactor.of(g.matrix(), 0, cols);
      long t1 = System.nanoTime();
      exact = score(rows, f, d);
      gramT[r] = (t1 - t0) / 1e9;
      scoreT[r] = (System.nanoTime() - t1) / 1e9;
    }
    System.out.printf(Locale.ROOT, "route=gram rows=%d d=%d partitions=%d s=0 check=false factor_s=%.3f score_s=%.3f"
        + " max_rel_err=0 bound=0%n", a.length, d, parts, median(gramT), median(scoreT));
    for (int s : sizes) {
      for (boolean check : new boolean[] {false, true}) {
        double[] t = new double[repeats];
        double[] ts = new double[repeats];
        double err = 0;
        SketchError bound = SketchError.NOT_MEASURED;
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          SketchPass pass = rows.mapPartitions(it -> {
            SketchPass local = new SketchPass(s, d, 42, check);
            while (it.hasNext()) {
              Tuple2<Long, double[]> v = it.next();
              local.add(v._1(), v._2());
            }
            return List.of(local).iterator();
          }).reduce(SketchPass::merge);
          LeverageFactor f = pass.factor(0, cols);
          bound = pass.error(0, cols);
          long t1 = System.nanoTime();
          double[] approx = score(rows, f, d);
          t[r] = (t1 - t0) / 1e9;
          ts[r] = (System.nanoTime() - t1) / 1e9;
          for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(approx[i] / exact[i] - 1));
          }
        }
        System.out.printf(Locale.ROOT, "route=countsketch rows=%d d=%d partitions=%d s=%d check=%s factor_s=%.3f"
            + " score_s=%.3f max_rel_err=%.3g bound=%.3g%n", a.length, d, parts, s, check, median(t), median(ts), err,
            bound.measured() ? bound.leverageRelativeErrorBound() : Double.NaN);
      }
    }
    // the spread of the measured bound over seeds 1..9 (in memory: one exact Gram, one sketch per seed)
    double[][] gram = Coresets.gram(a).matrix();
    for (int s : sizes) {
      double[] bounds = new double[9];
      for (int seed = 1; seed <= 9; seed++) {
        CountSketchAccumulator acc = new CountSketchAccumulator(s, d, seed);
        for (Tuple2<Long, double[]> v : keyed) {
          acc.add(v._1(), v._2());
        }
        bounds[seed - 1] = SketchFactor.error(acc.matrix(), gram, 0, cols).leverageRelativeErrorBound();
      }
      Arrays.sort(bounds);
      System.out.printf(Locale.ROOT, "seeds s=%d seeds=9 bound_min=%.3g bound_median=%.3g bound_max=%.3g%n", s,
          bounds[0], bounds[4], bounds[8]);
    }
    spark.stop();
  }

  private static double[] score(JavaRDD<Tuple2<Long, double[]>> rows, LeverageFactor f, int d) {
    List<Double> q = rows.mapPartitions(it -> {
      double[] scratch = new double[d];
      List<Double> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(f.quadratic(it.next()._2(), scratch));
      }
      return out.iterator();
    }).collect();
    return q.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double median(double[] t) {
    double[] c = t.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  /** N x D Gaussian rows, column j scaled by j + 1, from keyed normals (the SYNTH_ROW stream of row i). */
  private static double[][] gaussian(String spec) {
    String[] f = spec.split(":");
    int n = Integer.parseInt(f[1]);
    int d = Integer.parseInt(f[2]);
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      KeyedStream k = KeyedStream.of(1, RandomPurpose.SYNTH_ROW, i);
      for (int j = 0; j < d; j++) {
        a[i][j] = (j + 1) * k.gaussian(j);
      }
    }
    return a;
  }
}
