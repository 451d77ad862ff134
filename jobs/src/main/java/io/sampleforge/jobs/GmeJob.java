package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.StratumPlan;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GmeEmit;
import io.sampleforge.jobs.config.GmeJobConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.subset.GmeResult;
import io.sampleforge.spark.subset.GmeSelection;
import io.sampleforge.spark.subset.StratumOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code gme} job: config -> read (CSV/TSV as strings, like the reference) -> {@link
 * GmeSelection} -> write the ranking and/or the selected rows atomically -> {@code _manifest.json}
 * with the plan, final entropies and warnings per stratum.
 */
public final class GmeJob {
  private static final Logger LOG = LogManager.getLogger(GmeJob.class);

  /** What the job did, for the console summary. */
  public record Summary(String output, List<String> attributes, List<StratumOutcome> strata, List<String> warnings,
      Map<String, Double> seconds) {}

  private GmeJob() {}

  public static Summary run(SparkSession spark, GmeJobConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      GmeSettings s = cfg.settings();
      Dataset<Row> input = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat(), false));
      GmeResult result = timer.time("select", () -> GmeSelection.run(input, s, cfg.emit().rows()));
      result.warnings().forEach(w -> LOG.warn("{}", w));
      List<StratumOutcome> strata = result.strata();
      timer.time("write", () -> {
        String base = out.staging();
        if (cfg.emit().ranking()) {
          ParquetOutput.writer(result.ranking().coalesce(1).sortWithinPartitions(order(s, GmeSelection.RANK)))
              .parquet(cfg.emit() == GmeEmit.BOTH ? new Path(base, "ranking").toString() : base);
        }
        if (cfg.emit().rows()) {
          ParquetOutput.writer(result.rows()).parquet(cfg.emit() == GmeEmit.BOTH ? new Path(base, "rows").toString() : base);
        }
      });
      new Manifest()
          .put("job", "gme")
          .put("config", ConfigLoader.json().valueToTree(cfg))
          .put("seed", cfg.seed())
          .put("input", cfg.input())
          .put("output", cfg.output())
          .put("layout", cfg.emit() == GmeEmit.BOTH ? "ranking/ and rows/" : cfg.emit().text() + " at the top level")
          .put("strata", strataTable(strata, s))
          .put("warnings", result.warnings())
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark))
          .put("seconds", timer.seconds())
          .write(out);
      out.commit();
      result.release();
      return new Summary(cfg.output(), s.attributes(), strata, result.warnings(), timer.seconds());
    });
  }

  private static Column[] order(GmeSettings s, String rank) {
    return s.stratifyBy() == null ? new Column[] {col(rank)} : new Column[] {col("`" + s.stratifyBy() + "`"), col(rank)};
  }

  private static List<Map<String, Object>> strataTable(List<StratumOutcome> strata, GmeSettings s) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StratumOutcome o : strata) {
      Map<String, Object> m = new LinkedHashMap<>();
      StratumPlan p = o.plan();
      m.put("stratum", p.stratum() == null ? (s.stratifyBy() == null ? "(all)" : "null") : p.stratum());
      m.put("items", p.items());
      m.put("requested", p.requested());
      m.put("selected", p.picks());
      m.put("capped", p.capped());
      Map<String, Double> h = new LinkedHashMap<>();
      for (int j = 0; j < s.attributes().size(); j++) {
        h.put(s.attributes().get(j), o.finalEntropies()[j]);
      }
      m.put("final_entropies", h);
      m.put("picks_that_lowered_an_entropy", o.decreasedPicks());
      if (s.candidates() > 0) {
        m.put("candidates_per_step", s.candidates());
        m.put("first_step_top1_recovery", recovery(p.items(), s.candidates(), 1));
        m.put("first_step_top10_recovery", recovery(p.items(), s.candidates(), 10));
      }
      rows.add(m);
    }
    return rows;
  }

  /** P(m of L drawn items include at least one of the top n) = 1 - C(L-n, m) / C(L, m). */
  static double recovery(long items, long m, int n) {
    if (m >= items) {
      return 1.0;
    }
    double miss = 1.0;
    for (int i = 0; i < n && i < items; i++) {
      miss *= (double) (items - m - i) / (items - i);
      if (miss <= 0) {
        return 1.0;
      }
    }
    return 1.0 - miss;
  }
}
