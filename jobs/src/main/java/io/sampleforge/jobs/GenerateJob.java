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
import io.sampleforge.model.KneserNeyLm;
import io.sampleforge.model.ModelSpec;
import io.sampleforge.model.NgramModelSpec;
import io.sampleforge.model.ExportedModelSpec;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.spark.text.HadoopModelFiles;
import io.sampleforge.spark.text.TextGeneration;
import io.sampleforge.text.HfTokenizer;
import io.sampleforge.text.ToyGrammar;
import io.sampleforge.text.Vocabulary;
import io.sampleforge.text.WordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
      double distinct1, double distinct2, Double grammatical, String model, Map<String, Double> seconds) {}

  public static Summary run(SparkSession spark, GenerateJobConfig cfg) {
    return JobRun.run(spark, cfg, (timer, out, progress) -> {
      ModelSpec spec = timer.time("model", () -> model(spark, cfg));
      GenerationSettings settings = cfg.generation(cfg.sampler(badIds(spec, cfg), List.of()));
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
      double distinct1 = distinct(written, 1);
      double distinct2 = distinct(written, 2);
      Double grammatical = null;
      if (cfg.toyGrammarMetric()) {
        grammatical = grammaticalFraction(written, prompts, cfg);
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
          .write(out.fileSystem(), out.staging());
      out.commit();
      return new Summary(cfg.output(), samples, tokens, tps, reasons, distinct1, distinct2, grammatical, spec.identity(),
          timer.seconds());
    });
  }

  /** The model description: a trained n-gram model, or a validated exported model file and tokenizer. */
  static ModelSpec model(SparkSession spark, GenerateJobConfig cfg) {
    GenerateJobConfig.ModelConfig m = cfg.model();
    if (!m.type().equals("ngram")) {
      ModelFiles files = HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration());
      GenerateJobConfig.ModelConfig r = m.resolved(files);
      try {
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
    return new NgramModelSpec(train(spark, cfg));
  }

  /** bad_words as token ids (each must be one token of the model's vocabulary). */
  static List<Integer> badIds(ModelSpec spec, GenerateJobConfig cfg) {
    List<Integer> ids = new ArrayList<>();
    if (cfg.badWords().isEmpty()) {
      return ids;
    }
    if (spec instanceof NgramModelSpec n) {
      // a word outside the trained vocabulary can never be generated, so there is nothing to ban
      cfg.badWords().stream().map(w -> n.lm().vocabulary().id(w)).filter(id -> id != Vocabulary.UNK).forEach(ids::add);
      return ids;
    }
    try (HfTokenizer t = HfTokenizer.load(((ExportedModelSpec) spec).localTokenizer())) {
      for (String w : cfg.badWords()) {
        int[] enc = t.encode(w);
        if (enc.length != 1) {
          throw ConfigException.of("bad_words", "must be single tokens of the model's tokenizer", "'" + w + "'");
        }
        ids.add(enc[0]);
      }
    }
    return ids;
  }

  /** Trains the n-gram model on the toy grammar's corpus or on a text column. */
  static KneserNeyLm train(SparkSession spark, GenerateJobConfig cfg) {
    GenerateJobConfig.ModelConfig m = cfg.model();
    WordTokenizer tokenizer = new WordTokenizer();
    List<List<String>> sentences = new ArrayList<>();
    if (m.corpus().equals("toy")) {
      ToyGrammar g = new ToyGrammar();
      for (int i = 0; i < m.toySentences(); i++) {
        sentences.add(tokenizer.tokenize(g.sentence(m.corpusSeed(), i)));
      }
    } else {
      Dataset<Row> table = TableInput.read(spark, m.corpus(), io.sampleforge.jobs.config.TableFormat.ofPath(m.corpus()));
      if (!java.util.Arrays.asList(table.columns()).contains(m.textColumn())) {
        throw io.sampleforge.errors.InputDataException.of(m.textColumn(), "must exist in the training corpus " + m.corpus(), "missing");
      }
      for (Row r : table.select(col("`" + m.textColumn() + "`")).collectAsList()) {
        if (!r.isNullAt(0) && !r.getString(0).isBlank()) {
          sentences.add(tokenizer.tokenize(r.getString(0)));
        }
      }
    }
    Vocabulary v = Vocabulary.of(sentences.stream().flatMap(List::stream).toList());
    return KneserNeyLm.train(m.order(), v, sentences.stream().map(v::encode).toList());
  }

  /** distinct-n over all completions (space-separated tokens), computed by Spark. */
  static double distinct(Dataset<Row> written, int n) {
    Dataset<Row> grams = written.selectExpr("filter(split(completion, ' '), w -> w != '') as t")
        .filter("size(t) >= " + n)
        .selectExpr("explode(transform(sequence(1, size(t) - " + n + " + 1), i -> array_join(slice(t, i, " + n
            + "), ' '))) as g");
    Row r = grams.agg(org.apache.spark.sql.functions.count("g"), org.apache.spark.sql.functions.countDistinct("g")).first();
    long total = r.getLong(0);
    return total == 0 ? 0.0 : (double) r.getLong(1) / total;
  }

  /** Fraction of EOS-terminated samples whose prompt + completion the toy grammar accepts (all samples in the denominator). */
  static double grammaticalFraction(Dataset<Row> written, Dataset<Row> prompts, GenerateJobConfig cfg) {
    String id = "`" + cfg.idColumn() + "`";
    Dataset<Row> joined = written.join(prompts.select(col(id), col("`" + cfg.promptColumn() + "`").as("__prompt")),
        cfg.idColumn());
    long total = joined.count();
    ToyGrammar grammar = new ToyGrammar();
    WordTokenizer tokenizer = new WordTokenizer();
    long ok = joined.map((MapFunction<Row, Boolean>) r -> r.getAs("finish_reason").equals("eos")
        && grammar.grammatical(tokenizer.tokenize(r.getAs("__prompt") + " " + r.getAs("completion"))), Encoders.BOOLEAN())
        .filter((org.apache.spark.api.java.function.FilterFunction<Boolean>) b -> b).count();
    return total == 0 ? 0.0 : (double) ok / total;
  }
}
