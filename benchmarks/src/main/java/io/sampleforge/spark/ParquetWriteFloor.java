package io.sampleforge.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test) of the floor under the SMOTE job's output phase: Spark writing a cached
 * table of the job's output size as Parquet, nothing else (no search, no generation). The input
 * is a SMOTE benchmark table read and doubled (the second copy with shifted ids), so the row
 * count and schema match the balanced output; each codec and dictionary setting is written
 * {@code rounds} times, alternating, and the table prints medians. Run:
 * {@code bench/smote/write_floor.sh PARQUET_DIR [rounds]}.
 */
public final class ParquetWriteFloor {
  private ParquetWriteFloor() {}

  public static void main(String[] args) {
    String input = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String out = args.length > 2 ? args[2] : "/tmp/sampleforge-write-floor";
    SparkSession spark = SparkSession.builder().master("local[*]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8").getOrCreate();
    Dataset<Row> once = spark.read().parquet(input);
    Dataset<Row> table = once.unionByName(once.withColumn("id", col("id").plus(lit(1L << 40)))).cache();
    long rows = table.count();
    String[][] settings = {{"zstd", "true"}, {"zstd", "false"}, {"snappy", "true"}, {"snappy", "false"}};
    List<List<Double>> secs = new ArrayList<>();
    for (int i = 0; i < settings.length; i++) {
      secs.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < settings.length; i++) {
        long t = System.nanoTime();
        table.write().mode("overwrite").option("compression", settings[i][0])
            .option("parquet.enable.dictionary", settings[i][1]).parquet(out);
        secs.get(i).add((System.nanoTime() - t) / 1e9);
      }
    }
    System.out.printf("Parquet write of %,d cached rows x %d columns (%s doubled), %d cores, %d rounds%n%n", rows,
        table.columns().length, input, Runtime.getRuntime().availableProcessors(), rounds);
    System.out.println("| codec | dictionary | median s | runs s |");
    System.out.println("|---|---|---:|---|");
    for (int i = 0; i < settings.length; i++) {
      double[] v = secs.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf("| %s | %s | %.2f | %s |%n", settings[i][0], settings[i][1], v[v.length / 2],
          Arrays.toString(secs.get(i).stream().mapToDouble(d -> Math.round(d * 100) / 100.0).toArray()));
    }
    spark.stop();
  }
}
