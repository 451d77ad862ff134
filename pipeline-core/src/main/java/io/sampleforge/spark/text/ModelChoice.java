package io.sampleforge.spark.text;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.spark.common.HadoopModelFiles;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.model.ExportDirectory;
import io.sampleforge.model.ExportedModelSpec;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.ModelSpec;
import io.sampleforge.model.NgramModelSpec;
import io.sampleforge.model.NgramTraining;
import io.sampleforge.spark.common.ColumnNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Which model a {@link TextGenerator} runs, as its Params say, and how to build it on the driver:
 * {@code ngram} trains the built-in Kneser-Ney model on the toy grammar's corpus or on a text
 * column of a table ({@code .csv}/{@code .tsv} with a header, {@code .json}/{@code .jsonl}, else
 * Parquet); {@code torchscript}/{@code onnx} validates an exported model file and its
 * tokenizer.json, given as paths or completed from an export folder's sampleforge.json (explicit
 * values win), the same resolution as the generate job's {@code model:} keys. Files are referenced
 * by path (local, or any Hadoop file system URI, copied once per JVM by {@link HadoopModelFiles}),
 * never embedded. Null fields are unset. Cost: training (O(tokens·order)) or one model load.
 */
record ModelChoice(String type, int order, String corpus, String textColumn, int toySentences, long corpusSeed,
    String dir, String path, String tokenizer, Integer vocabSize, Integer bosId, List<Integer> eosIds, boolean cached,
    Integer layers, Integer heads, Integer headDim, Integer context) {

  static final String NGRAM = "ngram";

  /** The model, built (trained or loaded and validated) on the driver. */
  ModelSpec build(SparkSession spark) {
    if (type.equals(NGRAM)) {
      return new NgramModelSpec(corpus.equals(NgramTraining.Defaults.TOY_CORPUS)
          ? NgramTraining.onToyGrammar(order, corpusSeed, toySentences)
          : NgramTraining.fromTexts(order, texts(spark)));
    }
    ModelFormat format = ModelFormat.parse("modelType", type);
    ModelFiles files = HadoopModelFiles.of(spark.sparkContext().hadoopConfiguration());
    ExportDirectory d = dir == null ? null : ExportDirectory.read(dir, files);
    if (d == null && (path == null || tokenizer == null || vocabSize == null)) {
      throw ConfigException.of("modelDir", "must be set, or modelPath, tokenizerPath and vocabSize (model type " + type + ")",
          "modelPath=" + path + ", tokenizerPath=" + tokenizer + ", vocabSize=" + vocabSize);
    }
    long[] geometry = null;
    if (cached) {
      Integer l = or(layers, d == null ? null : d.layers());
      Integer h = or(heads, d == null ? null : d.heads());
      Integer hd = or(headDim, d == null ? null : d.headDim());
      if (l == null || h == null || hd == null) {
        throw ConfigException.of("cached", "needs layers, heads and headDim (the cache geometry) or modelDir",
            "layers=" + l + ", heads=" + h + ", headDim=" + hd);
      }
      geometry = new long[] {l, h, hd};
    }
    io.sampleforge.spark.common.TaskDevices.configureThreads(); // before the JVM's first engine use (local mode)
    return ExportedModelSpec.of(format, files, or(path, d == null ? null : d.modelFile(format, cached)),
        or(tokenizer, d == null ? null : d.tokenizer()), or(vocabSize, d == null ? null : d.vocabSize()),
        or(bosId, d == null ? -1 : d.bosId()), or(eosIds, d == null ? List.of() : d.eosIds()), geometry,
        or(context, d == null ? 0 : d.context()));
  }

  private static <T> T or(T explicit, T fallback) {
    return explicit != null ? explicit : fallback;
  }

  /** The training corpus's text column, collected to the driver (null and blank texts are skipped by training). */
  private List<String> texts(SparkSession spark) {
    String lower = corpus.toLowerCase(Locale.ROOT);
    Dataset<Row> table;
    if (lower.endsWith(".csv") || lower.endsWith(".tsv")) {
      table = spark.read().option("header", "true").option("sep", lower.endsWith(".tsv") ? "\t" : ",").csv(corpus);
    } else if (lower.endsWith(".json") || lower.endsWith(".jsonl")) {
      table = spark.read().json(corpus);
    } else {
      table = spark.read().parquet(corpus);
    }
    if (!Arrays.asList(table.columns()).contains(textColumn)) {
      throw InputDataException.of(textColumn, "must exist in the training corpus " + corpus, "missing");
    }
    List<String> out = new ArrayList<>();
    for (Row r : table.select(col(ColumnNames.quoted(textColumn)).cast("string")).collectAsList()) {
      out.add(r.isNullAt(0) ? null : r.getString(0));
    }
    return out;
  }
}
