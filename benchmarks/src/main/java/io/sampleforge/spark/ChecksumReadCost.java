package io.sampleforge.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Benchmark (not a test): what verifying Parquet page CRCs on read costs. Reads a table and sums
 * every column (so every page is decoded), alternating verification off and on for {@code rounds}
 * rounds after one warm-up of each, and prints the medians and their ratio.
 *
 * <p>{@code java ... io.sampleforge.spark.ChecksumReadCost PARQUET_DIR [rounds]}
 */
public final class ChecksumReadCost {
  private ChecksumReadCost() {}

  public static void main(String[] args) {
    String path = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SparkSession spark = SparkSession.builder().master("local[*]").appName("checksum-read-cost")
        .config("spark.ui.enabled", "false").getOrCreate();
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    long rows = 0;
    for (int i = -1; i < rounds; i++) {
      for (boolean verify : new boolean[] {false, true}) {
        Dataset<Row> df = spark.read().option("parquet.page.verify-checksum.enabled", Boolean.toString(verify)).parquet(path);
        Column[] sums = java.util.Arrays.stream(df.columns()).map(c -> functions.sum(functions.col(c).cast("double")))
            .toArray(Column[]::new);
        long t0 = System.nanoTime();
        df.agg(functions.count(functions.lit(1)), sums).first();
        double s = (System.nanoTime() - t0) / 1e9;
        rows = df.count();
        if (i >= 0) {
          (verify ? on : off).add(s);
        }
      }
    }
    double mOff = median(off);
    double mOn = median(on);
    System.out.printf(Locale.ROOT, "| table | rows | verify off (median s) | verify on (median s) | on / off |%n");
    System.out.printf(Locale.ROOT, "|---|---:|---:|---:|---:|%n");
    System.out.printf(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.3f |%n", path, rows, mOff, mOn, mOn / mOff);
    System.out.printf(Locale.ROOT, "(rounds: off %s, on %s)%n", off, on);
    spark.stop();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
