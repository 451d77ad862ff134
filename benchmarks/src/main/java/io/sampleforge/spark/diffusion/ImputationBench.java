package io.sampleforge.spark.diffusion;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Benchmark (not a test): imputation of the masked cells of a real table (issue 23), scored the same way for
 * every method. Run by bench/posterior/impute.sh, which times each method as a whole process. Three modes:
 *
 * <ul>
 *   <li>{@code prepare TABLE.csv WORK}: the table's numeric columns renamed c0..c(D-1) with an id, split by a
 *       fixed hash of the row number into WORK/train.csv (about 80 %, the clean rows the prior and the
 *       column means are fitted to) and WORK/test.csv (about 20 %, the rows that corrupt masks); the label
 *       and any non-numeric column are left out. Plain Java, no Spark.
 *   <li>{@code baseline METHOD MEASURED TRAIN.csv OUT}: one baseline imputation, written as Parquet (id and
 *       the columns): {@code train-mean} fills a missing cell with its column's mean over the clean training
 *       rows (the information the prior has); {@code imputer-mean} and {@code imputer-median} are Spark MLlib's
 *       {@link Imputer} fitted to the measured table itself (its observed cells: Imputer's own use).
 *   <li>{@code evaluate MEASURED TRAIN.csv TIMES.tsv NAME=DIR ...}: for each method, RMSE over the masked
 *       cells (in table units, and with each cell's error divided by its column's standard deviation over
 *       the training rows), and for posterior outputs (several samples per id) the posterior mean's RMSE
 *       and the coverage of the central 90 % interval (the 5 % and 95 % points of the samples, linearly
 *       interpolated as Spark's {@code percentile}); wall seconds are the medians of TIMES.tsv's lines
 *       (name, seconds). Prints a Markdown table.
 * </ul>
 *
 * Cost: evaluate collects the measured table and each output to the driver (rows x samples x D doubles).
 */
public final class ImputationBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImputationBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: ImputationBench prepare|baseline|evaluate ...");
    }
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Path.of(args[2]));
      case "baseline" -> baseline(args[1], args[2], args[3], args[4]);
      case "evaluate" -> evaluate(args[1], args[2], Path.of(args[3]), Arrays.copyOfRange(args, 4, args.length));
      default -> throw new IllegalArgumentException("mode must be prepare, baseline or evaluate; got " + args[0]);
    }
  }

  // ---------------------------------------------------------------- prepare

  /** SplitMix64's finaliser (Steele, Lea and Flood 2014): a fixed, well-mixed hash of the row number. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static void prepare(Path table, Path work) throws IOException {
    List<String> lines = Files.readAllLines(table);
    String[] header = lines.get(0).split(",", -1);
    List<String[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(line.split(",", -1));
      }
    }
    List<Integer> numeric = new ArrayList<>();
    for (int j = 0; j < header.length; j++) {
      boolean all = true;
      for (String[] r : rows) {
        try {
          Double.parseDouble(r[j]);
        } catch (NumberFormatException e) {
          all = false;
          break;
        }
      }
      if (all) {
        numeric.add(j);
      }
    }
    Files.createDirectories(work);
    StringBuilder head = new StringBuilder("id");
    for (int k = 0; k < numeric.size(); k++) {
      head.append(",c").append(k);
    }
    int train = 0;
    int test = 0;
    try (BufferedWriter tr = Files.newBufferedWriter(work.resolve("train.csv"));
        BufferedWriter te = Files.newBufferedWriter(work.resolve("test.csv"))) {
      tr.write(head + "\n");
      te.write(head + "\n");
      for (int i = 0; i < rows.size(); i++) {
        StringBuilder line = new StringBuilder(Integer.toString(i));
        for (int j : numeric) {
          line.append(',').append(rows.get(i)[j]);
        }
        boolean isTest = Math.floorMod(mix(i + 0x5f0fL), 5L) == 0;
        (isTest ? te : tr).write(line + "\n");
        if (isTest) {
          test++;
        } else {
          train++;
        }
      }
    }
    System.out.printf("table %s: %d rows, %d numeric columns (c0..c%d); train %d, test %d%n",
        table.getFileName(), rows.size(), numeric.size(), numeric.size() - 1, train, test);
  }

  // ---------------------------------------------------------------- baselines

  static SparkSession spark(String name) {
    return SparkSession.builder().master("local[2]").appName("imputation bench: " + name)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  static String[] valueColumns(Dataset<Row> trainTable) {
    return Arrays.stream(trainTable.columns()).filter(c -> c.matches("c\\d+")).toArray(String[]::new);
  }

  static Dataset<Row> readCsv(SparkSession spark, String path) {
    return spark.read().option("header", "true").option("inferSchema", "true").csv(path);
  }

  static void baseline(String method, String measured, String trainCsv, String out) {
    SparkSession spark = spark(method);
    Dataset<Row> train = readCsv(spark, trainCsv);
    String[] cols = valueColumns(train);
    Dataset<Row> m = spark.read().parquet(measured);
    List<Column> keep = new ArrayList<>();
    keep.add(col("id"));
    for (String c : cols) {
      keep.add(col(c).cast("double").as(c));
    }
    Dataset<Row> y = m.select(keep.toArray(new Column[0]));
    Dataset<Row> imputed;
    switch (method) {
      case "train-mean" -> {
        Column[] means = Arrays.stream(cols).map(c -> functions.avg(c).as(c)).toArray(Column[]::new);
        Row mu = train.agg(means[0], Arrays.copyOfRange(means, 1, means.length)).first();
        Map<String, Object> fill = new HashMap<>();
        for (int j = 0; j < cols.length; j++) {
          fill.put(cols[j], mu.getDouble(j));
        }
        imputed = y.na().fill(fill);
      }
      case "imputer-mean", "imputer-median" -> {
        String[] outs = Arrays.stream(cols).map(c -> c + "_imputed").toArray(String[]::new);
        Dataset<Row> t = new Imputer().setStrategy(method.substring("imputer-".length())).setInputCols(cols)
            .setOutputCols(outs).fit(y).transform(y);
        List<Column> sel = new ArrayList<>();
        sel.add(col("id"));
        for (int j = 0; j < cols.length; j++) {
          sel.add(col(outs[j]).as(cols[j]));
        }
        imputed = t.select(sel.toArray(new Column[0]));
      }
      default -> throw new IllegalArgumentException("baseline must be train-mean, imputer-mean or imputer-median; got " + method);
    }
    imputed.write().mode("overwrite").parquet(out);
    spark.stop();
  }

  // ---------------------------------------------------------------- evaluate

  /** One measured row: its clean values and which cells were masked. */
  record Truth(double[] clean, boolean[] masked) {}

  static void evaluate(String measured, String trainCsv, Path times, String[] methods) throws IOException {
    SparkSession spark = spark("evaluate");
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> train = readCsv(spark, trainCsv);
    String[] cols = valueColumns(train);
    int d = cols.length;
    Column[] sds = Arrays.stream(cols).map(c -> functions.stddev_samp(c).as(c)).toArray(Column[]::new);
    Row sdRow = train.agg(sds[0], Arrays.copyOfRange(sds, 1, d)).first();
    double[] sd = new double[d];
    for (int j = 0; j < d; j++) {
      sd[j] = sdRow.getDouble(j);
    }
    Map<Long, Truth> truth = new HashMap<>();
    List<Column> tc = new ArrayList<>();
    tc.add(col("id").cast("long"));
    for (String c : cols) {
      tc.add(col("clean_" + c).cast("double"));
    }
    for (String c : cols) {
      tc.add(col(c).isNull());
    }
    long masked = 0;
    for (Row r : spark.read().parquet(measured).select(tc.toArray(new Column[0])).collectAsList()) {
      double[] x = new double[d];
      boolean[] miss = new boolean[d];
      for (int j = 0; j < d; j++) {
        x[j] = r.getDouble(1 + j);
        miss[j] = r.getBoolean(1 + d + j);
        masked += miss[j] ? 1 : 0;
      }
      truth.put(r.getLong(0), new Truth(x, miss));
    }
    Map<String, List<Double>> seconds = readTimes(times);
    System.out.printf("measured rows %d, masked cells %d of %d (%.4f)%n%n", truth.size(), masked, (long) truth.size() * d,
        masked / (double) (truth.size() * d));
    System.out.println("| method | RMSE (table units) | RMSE (standardised) | 90 % coverage | wall s (median, runs) | rows/s | manifest RMSE / coverage |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (String spec : methods) {
      String name = spec.substring(0, spec.indexOf('='));
      String dir = spec.substring(spec.indexOf('=') + 1);
      List<Column> oc = new ArrayList<>();
      oc.add(col("id").cast("long"));
      for (String c : cols) {
        oc.add(col(c).cast("double"));
      }
      Map<Long, List<double[]>> samples = new LinkedHashMap<>();
      for (Row r : spark.read().parquet(dir).select(oc.toArray(new Column[0])).collectAsList()) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
          x[j] = r.getDouble(1 + j);
        }
        samples.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(x);
      }
      if (!samples.keySet().equals(truth.keySet())) {
        throw new IllegalStateException(name + ": the output's ids are not the measured table's ids");
      }
      double se = 0;
      double sse = 0;
      long covered = 0;
      long cells = 0;
      boolean intervals = false;
      for (Map.Entry<Long, Truth> e : truth.entrySet()) {
        List<double[]> s = samples.get(e.getKey());
        intervals |= s.size() > 1;
        for (int j = 0; j < d; j++) {
          if (!e.getValue().masked()[j]) {
            continue;
          }
          double[] v = new double[s.size()];
          double mean = 0;
          for (int k = 0; k < v.length; k++) {
            v[k] = s.get(k)[j];
            mean += v[k] / v.length;
          }
          double err = mean - e.getValue().clean()[j];
          se += err * err;
          sse += (err / sd[j]) * (err / sd[j]);
          cells++;
          if (v.length > 1) {
            Arrays.sort(v);
            double lo = percentile(v, 0.05);
            double hi = percentile(v, 0.95);
            double t = e.getValue().clean()[j];
            covered += (t >= lo && t <= hi) ? 1 : 0;
          }
        }
      }
      List<Double> w = seconds.getOrDefault(name, List.of());
      double wall = median(w);
      String manifest = "–";
      Path mf = Path.of(dir, "_manifest.json");
      if (Files.exists(mf)) {
        JsonNode ac = JSON.readTree(mf.toFile()).path("stats").path("against_clean");
        if (!ac.isMissingNode()) {
          manifest = String.format(Locale.ROOT, "%.2f / %.3f", ac.path("rmse").asDouble(), ac.path("coverage_90").asDouble());
        }
      }
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.4f | %s | %s | %s | %s |%n", name, Math.sqrt(se / cells),
          Math.sqrt(sse / cells), intervals ? String.format(Locale.ROOT, "%.3f", covered / (double) cells) : "none (a point)",
          w.isEmpty() ? "–" : String.format(Locale.ROOT, "%.1f (%d)", wall, w.size()),
          w.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f", truth.size() / wall), manifest);
    }
    spark.stop();
  }

  /** The p-quantile of sorted values, interpolated between order statistics at p (n - 1) (Spark's percentile). */
  static double percentile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  static double median(List<Double> v) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static Map<String, List<Double>> readTimes(Path times) throws IOException {
    Map<String, List<Double>> out = new HashMap<>();
    if (!Files.exists(times)) {
      return out;
    }
    try (BufferedReader r = Files.newBufferedReader(times)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split("\t");
        if (f.length == 2) {
          out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Double.parseDouble(f[1]));
        }
      }
    }
    return out;
  }
}
