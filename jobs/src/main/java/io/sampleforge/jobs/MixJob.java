package io.sampleforge.jobs;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.MixConfig;
import io.sampleforge.jobs.config.TableFormat;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.mixture.MixPlan;
import io.sampleforge.spark.mixture.MixSample;
import io.sampleforge.spark.mixture.MixSampling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code mix} job: read the table (or a table per source) -> drop the rows earlier rounds took
 * ({@code exclude_previous}) -> count each source and check sources and ids -> plan exact counts on the
 * driver (strategy weights, caps, exhaustion policy, largest-remainder apportionment) -> keyed bottom-k
 * selection per source ({@link MixSampling}) -> write {@code output/round=r} atomically -> count the
 * written rows per source and record the realised mix in {@code _manifest.json}.
 */
public final class MixJob {
  private MixJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, long rows, List<Map<String, Object>> mix, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, MixConfig cfg) {
    return JobRun.run(spark, cfg.jobTarget(), (timer, out, progress) -> {
      List<Dataset<Row>> inputs = new ArrayList<>();
      try {
        return run(spark, cfg, timer, out, inputs);
      } finally {
        inputs.forEach(TableInput::release);
      }
    });
  }

  private static Summary run(SparkSession spark, MixConfig cfg, io.sampleforge.jobs.run.PhaseTimer timer,
      io.sampleforge.jobs.io.AtomicOutput out, List<Dataset<Row>> inputs) {
    String src = cfg.sourceColumn();
    String id = cfg.idColumn();
    Dataset<Row> table = timer.time("read", () -> read(spark, cfg, inputs));
    List<Integer> excludedRounds = new ArrayList<>();
    Dataset<Row> pool = table;
    if (cfg.excludePrevious()) {
      Dataset<Row> previous = previousRounds(spark, cfg, excludedRounds);
      pool = previous == null ? table : MixSampling.excluding(table, previous, src, id);
    }
    Dataset<Row> available = pool;
    Map<String, Long> counts = timer.time("count", () -> MixSampling.sourceCounts(available, src, id));
    Map<String, Double> scores = cfg.scores() == null ? null : timer.time("scores", () -> MixSampling.latestScores(
        TableInput.read(spark, cfg.scores().path(), cfg.scores().format()), cfg.scores().sourceColumn(),
        cfg.scores().scoreColumn(), cfg.scores().roundColumn()));
    MixPlan plan = MixSampling.plan(cfg.spec(), counts, scores);
    timer.time("sample+write", () -> {
      MixSample sample = MixSampling.sample(available, src, id, plan, cfg.seed(), cfg.round());
      try {
        ParquetOutput.writer(sample.rows()).parquet(out.staging());
      } finally {
        sample.release();
      }
    });
    Map<String, Long> realised = timer.time("verify", () -> MixSampling.realised(spark.read().parquet(out.staging()),
        src));
    List<Map<String, Object>> mix = new ArrayList<>();
    long rows = 0;
    for (MixPlan.Source s : plan.sources()) {
      long got = realised.getOrDefault(s.source(), 0L);
      if (got != s.count()) {
        throw new IllegalStateException("source '" + s.source() + "': planned " + s.count() + " rows, wrote " + got);
      }
      rows += got;
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("source", s.source());
      line.put("available", s.available());
      line.put("weight", s.weight());
      line.put("share", s.share());
      line.put("target", s.count());
      line.put("realised", got);
      line.put("repeated", s.repeated());
      mix.add(line);
    }
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("rows", rows);
    stats.put("total", plan.total());
    stats.put("round", cfg.round());
    stats.put("excluded_rounds", excludedRounds);
    stats.put("input_rows", timer.time("count-input", () -> cfg.excludePrevious() ? table.count()
        : counts.values().stream().mapToLong(Long::longValue).sum()));
    new Manifest().put("job", "mix").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
        .put("input", cfg.input() != null ? cfg.input() : cfg.sources()).put("output", out.target())
        .put("strategy", cfg.strategy()).put("exhausted", plan.exhausted().id()).put("mix", mix)
        .put("scores", scores).put("stats", stats).put("versions", Manifest.versions(spark.version()))
        .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
        .write(out);
    out.commit();
    return new Summary(out.target(), rows, mix, timer.seconds());
  }

  /** The input table(s), CSV typed without an inference pass and cached; {@code read} collects them for release. */
  private static Dataset<Row> read(SparkSession spark, MixConfig cfg, List<Dataset<Row>> read) {
    if (cfg.input() != null) {
      Dataset<Row> t = TableInput.read(spark, cfg.input(), cfg.inputFormat(), cfg.csvColumns());
      read.add(t);
      return t;
    }
    Map<String, Dataset<Row>> tables = new TreeMap<>();
    cfg.sources().forEach((name, path) -> {
      Dataset<Row> t = TableInput.read(spark, path, TableFormat.ofPath(path), cfg.csvColumns());
      read.add(t);
      tables.put(name, t);
    });
    return MixSampling.union(tables, cfg.sourceColumn());
  }

  /** The committed outputs of rounds 0 .. round - 1 (those that exist), unioned; null when there is none. */
  private static Dataset<Row> previousRounds(SparkSession spark, MixConfig cfg, List<Integer> found) {
    Dataset<Row> all = null;
    try {
      for (int r = 0; r < cfg.round(); r++) {
        Path p = new Path(cfg.roundOutput(r));
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(new Path(p, Manifest.FILE))) {
          continue;
        }
        Dataset<Row> d = spark.read().parquet(p.toString());
        if (!java.util.Arrays.asList(d.columns()).containsAll(List.of(cfg.sourceColumn(), cfg.idColumn()))) {
          throw ConfigException.of("exclude_previous", "needs the earlier rounds to hold the source and id columns; "
              + "round " + r + " has", java.util.Arrays.toString(d.columns()));
        }
        d = d.select(cfg.sourceColumn(), cfg.idColumn());
        all = all == null ? d : all.unionByName(d);
        found.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }
}
