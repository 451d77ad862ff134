package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.sum;

import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GenerateJobConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.spark.text.CompletionMetrics;
import io.sampleforge.spark.text.ExactLawDistance;
import io.sampleforge.spark.common.HadoopModelFiles;
import io.sampleforge.spark.text.MarkovChainModel;
import io.sampleforge.spark.text.MaskedDiffusionGeneration;
import io.sampleforge.spark.text.MaskedDiffusionSettings;
import io.sampleforge.spark.text.MaskedModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The masked-diffusion path of {@code generate} ({@code model.type: markov-chain}, or an exported
 * masked LM with a {@code diffusion:} block): read prompts -> {@link MaskedDiffusionGeneration} ->
 * write Parquet atomically -> manifest with tokens/s, NFE and cache-hit totals, and for the chain
 * the {@link ExactLawDistance} of the written sequences (distinct-n is left out: over a handful of
 * states it says little); for a masked LM distinct-1/2 and, with {@code toy_grammar_metric}, the
 * grammatical fraction ({@link CompletionMetrics}).
 */
final class MaskedDiffusionJob {
  private MaskedDiffusionJob() {}

  static GenerateJob.Summary run(SparkSession spark, GenerateJobConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      MaskedModelSpec model = timer.time("model", () -> cfg.maskedModel(
          HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration())));
      MaskedDiffusionSettings settings = cfg.diffusionSettings();
      Dataset<Row> prompts = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
      MaskedDiffusionGeneration.Result result = MaskedDiffusionGeneration.run(prompts, cfg.idColumn(),
          cfg.promptColumn(), model, settings, cfg.onEmptyPrompt().equals("skip"));
      timer.time("generate+write", () -> ParquetOutput.writer(result.output()).parquet(out.staging()));
      double generateSeconds = timer.seconds().get("generate+write");
      Dataset<Row> written = spark.read().parquet(out.staging()).cache();
      Row totals = written.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
          sum("token_count"), sum("nfe"), sum("cache_hits")).first();
      long samples = totals.getLong(0);
      long tokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
      long nfe = totals.isNullAt(2) ? 0 : totals.getLong(2);
      long hits = totals.isNullAt(3) ? 0 : totals.getLong(3);
      Double distance = model instanceof MarkovChainModel chain ? timer.time("exact-law", () -> ExactLawDistance.of(
          written, prompts, cfg.idColumn(), cfg.promptColumn(), chain)) : null;
      double distinct1 = Double.NaN;
      double distinct2 = Double.NaN;
      Double grammatical = null;
      if (!(model instanceof MarkovChainModel)) {
        distinct1 = CompletionMetrics.distinct(written, 1);
        distinct2 = CompletionMetrics.distinct(written, 2);
        if (cfg.toyGrammarMetric()) {
          grammatical = CompletionMetrics.grammaticalFraction(written, prompts, cfg.idColumn(), cfg.promptColumn());
        }
      }
      Map<String, Long> commitHistogram = new java.util.TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
      long committed = 0;
      long steps = 0;
      for (Row r : written.select(org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.col(
          "commits_per_step")).as("k")).groupBy("k").count().collectAsList()) {
        commitHistogram.put(Integer.toString(r.getInt(0)), r.getLong(1));
        committed += (long) r.getInt(0) * r.getLong(1);
        steps += r.getLong(1);
      }
      written.unpersist();
      double tps = generateSeconds > 0 ? tokens / generateSeconds : 0;
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("samples", samples);
      stats.put("tokens", tokens);
      stats.put("tokens_per_second", tps);
      stats.put("nfe_total", nfe);
      stats.put("cache_hits_total", hits);
      if (model instanceof MarkovChainModel) {
        stats.put("exact_law_distance", distance);
      } else {
        stats.put("distinct_1", distinct1);
        stats.put("distinct_2", distinct2);
        if (grammatical != null) {
          stats.put("grammatical_fraction", grammatical);
        }
      }
      stats.put("skipped_empty_prompts", result.skippedEmptyPrompts());
      if (steps > 0) {
        // the parallel-decoding sampler: how many positions each model call committed
        stats.put("commits_per_step_histogram", commitHistogram);
        stats.put("mean_commits_per_step", (double) committed / steps);
      }
      new Manifest().put("job", "generate").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("model", model.identity())
          .put("sampler", settings.describe()).put("stats", stats)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new GenerateJob.Summary(cfg.output(), samples, tokens, tps, Map.of(), distinct1, distinct2, grammatical,
          model.identity(), timer.seconds(), new GenerateJob.Diffusion(settings.describe(), nfe, hits, distance));
    });
  }
}
