package io.sampleforge.jobs;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GenerateJobConfig;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.ParquetOutput;
import io.sampleforge.jobs.io.TableInput;
import io.sampleforge.jobs.run.JobRun;
import io.sampleforge.model.BannedTokens;
import io.sampleforge.model.NgramTraining;
import io.sampleforge.model.ModelSpec;
import io.sampleforge.model.NgramModelSpec;
import io.sampleforge.model.ExportedModelSpec;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.spark.common.ColumnNames;
import io.sampleforge.spark.text.CompletionMetrics;
import io.sampleforge.spark.common.HadoopModelFiles;
import io.sampleforge.spark.text.TextGeneration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code generate} job: train the model (the built-in Kneser-Ney n-gram model, on the toy
 * grammar's corpus or a text column) -> read prompts -> {@link TextGeneration} -> write Parquet
 * atomically -> manifest with tokens/s, finish reasons, distinct-1/2 and, for the toy corpus, the
 * grammatical fraction of prompt + completion.
 */
public final class GenerateJob {
  private GenerateJob() {}

  /** What the job did, for the console summary. */
  public record Summary(String output, long samples, long tokens, double tokensPerSecond, Map<String, Long> finishReasons,
      double distinct1, double distinct2, Double grammatical, String model, Map<String, Double> seconds,
      Diffusion diffusion) {}

  /**
   * What a masked-diffusion run adds: the sampler (JSON), model calls and cache hits over all rows,
   * and the exact-law distance (null when not computed).
   */
  public record Diffusion(String sampler, long nfeTotal, long cacheHitsTotal, Double exactLawDistance) {}

  public static Summary run(SparkSession spark, GenerateJobConfig cfg) {
    if (cfg.maskedDiffusion()) {
      return MaskedDiffusionJob.run(spark, cfg);
    }
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      ModelSpec spec = timer.time("model", () -> model(spark, cfg));
      GenerationSettings settings = cfg.generation(cfg.sampler(BannedTokens.ids(spec, cfg.badWords()), List.of()));
      Dataset<Row> prompts = timer.time("read", () -> TableInput.read(spark, cfg.input(), cfg.inputFormat()));
      TextGeneration.Result result = TextGeneration.run(prompts, cfg.idColumn(), cfg.promptColumn(), spec, settings,
          cfg.onEmptyPrompt().equals("skip"), io.sampleforge.decode.ContextOverflow.parse(cfg.contextOverflow()),
          cfg.rowOverrides());
      timer.time("generate+write", () -> ParquetOutput.writer(result.output()).parquet(out.staging()));
      double generateSeconds = timer.seconds().get("generate+write");
      Dataset<Row> written = spark.read().parquet(out.staging()).cache();
      Map<String, Long> reasons = new LinkedHashMap<>();
      for (Row r : written.groupBy("finish_reason").count().orderBy("finish_reason").collectAsList()) {
        reasons.put(r.getString(0), r.getLong(1));
      }
      long samples = written.count();
      Row sum = written.agg(org.apache.spark.sql.functions.sum("token_count")).first();
      long tokens = sum.isNullAt(0) ? 0 : sum.getLong(0);
      double distinct1 = CompletionMetrics.distinct(written, 1);
      double distinct2 = CompletionMetrics.distinct(written, 2);
      Double grammatical = null;
      if (cfg.toyGrammarMetric()) {
        grammatical = CompletionMetrics.grammaticalFraction(written, prompts, cfg.idColumn(), cfg.promptColumn());
      }
      written.unpersist();
      double tps = generateSeconds > 0 ? tokens / generateSeconds : 0;
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("samples", samples);
      stats.put("tokens", tokens);
      stats.put("tokens_per_second", tps);
      stats.put("finish_reasons", reasons);
      stats.put("distinct_1", distinct1);
      stats.put("distinct_2", distinct2);
      stats.put("grammatical_fraction", grammatical);
      stats.put("skipped_empty_prompts", result.skippedEmptyPrompts());
      new Manifest().put("job", "generate").put("config", ConfigLoader.json().valueToTree(cfg)).put("seed", cfg.seed())
          .put("input", cfg.input()).put("output", cfg.output()).put("model", spec.identity())
          .put("sampler", settings.sampler().withModelTokens(spec.bannedIds(), spec.eosIds()).describe()).put("stats", stats)
          .put("versions", Manifest.versions(spark.version()))
          .put("spark_settings", io.sampleforge.jobs.io.SparkSettings.of(spark)).put("seconds", timer.seconds())
          .write(out);
      out.commit();
      return new Summary(cfg.output(), samples, tokens, tps, reasons, distinct1, distinct2, grammatical, spec.identity(),
          timer.seconds(), null);
    });
  }

  /** The model description: a trained n-gram model, or a validated exported model file and tokenizer. */
  static ModelSpec model(SparkSession spark, GenerateJobConfig cfg) {
    GenerateJobConfig.ModelConfig m = cfg.model();
    if (!m.type().equals("ngram")) {
      ModelFiles files = HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration());
      GenerateJobConfig.ModelConfig r = m.resolved(files);
      try {
        // the driver's probe may be the JVM's first engine use: in local mode the tasks share it, so the
        // engine must start with the per-task thread count, not all cores (oversubscribed OpenMP spins)
        io.sampleforge.spark.common.TaskDevices.configureThreads();
        return ExportedModelSpec.of(r.format(), files, r.path(), r.tokenizer(), r.vocabSize(), r.bosOrNone(),
            r.eosOrNone(), r.cacheGeometry(), r.contextOrUnlimited());
      } catch (ConfigException e) {
        if (m.dir() == null || (m.path() != null && m.tokenizer() != null)) {
          throw e;
        }
        // a file came from the export folder: say so (e.g. a format or contract the export skipped)
        throw new ConfigException("'model.dir' = '" + m.dir() + "' (type " + m.type() + ", cached " + m.cached()
            + "): " + e.getMessage());
      }
    }
    return train(spark, cfg);
  }

  /** Trains the n-gram model on the toy grammar's corpus or on a text column of a table. */
  static NgramModelSpec train(SparkSession spark, GenerateJobConfig cfg) {
    GenerateJobConfig.ModelConfig m = cfg.model();
    if (m.corpus().equals("toy")) {
      return new NgramModelSpec(NgramTraining.onToyGrammar(m.order(), m.corpusSeed(), m.toySentences()));
    }
    Dataset<Row> table = TableInput.read(spark, m.corpus(), io.sampleforge.jobs.config.TableFormat.ofPath(m.corpus()));
    if (!java.util.Arrays.asList(table.columns()).contains(m.textColumn())) {
      throw io.sampleforge.errors.InputDataException.of(m.textColumn(), "must exist in the training corpus " + m.corpus(), "missing");
    }
    List<String> texts = new ArrayList<>();
    for (Row r : table.select(col(ColumnNames.quoted(m.textColumn()))).collectAsList()) {
      texts.add(r.isNullAt(0) ? null : r.getString(0));
    }
    return new NgramModelSpec(NgramTraining.fromTexts(m.order(), texts));
  }
}
