package io.sampleforge.spark.text;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.common.ColumnNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Masked-diffusion text generation on Spark ({@link MaskedModelSpec}: the built-in Markov chain
 * {@link MarkovChainModel} or an exported masked LM {@link ExportedMaskedModel}; the kernels are
 * {@code io.sampleforge.diffusion.discrete}): each prompt's tokens (state names, or the tokenizer's
 * ids) are fixed at the first positions (prefix conditioning); the rest of the {@code model.length}
 * positions start masked and the sampler ({@link DiffusionKernel}) fills them, per partition, {@code
 * batch_size} sequences per model call. Every draw is a
 * float64 keyed draw of (seed, xxhash64(id), sample index, step, position), so the output is a
 * function of the rows, the settings and the seed only: never of partitioning or batch size.
 *
 * <p>Bad input is refused on the driver before any sampling (exit 3): missing id or prompt column,
 * null or repeated ids, empty prompts (unless skipped), and prompts with an unknown state name, more
 * tokens than {@code model.length}, probability zero under the chain, the mask token (the message
 * names the row's id and the token). Output columns: the id column, sample_index, completion (the
 * generated states joined by spaces; an exported model's generated span up to its first
 * end-of-sequence token, decoded), token_count, nfe (model calls for the row), cache_hits, sampler
 * (JSON), model (identity JSON), seed, finish_reason (eos or length), commits_per_step (the positions each
 * model call committed, for the parallel-decoding sampler; empty for the others). Cost: two validation passes over the prompts (three for LLaDA and ODD: their
 * settings are checked per prompt length), then one pass with
 * the sampler's model calls.
 */
public final class MaskedDiffusionGeneration {
  public static final List<String> OUTPUT = List.of("sample_index", "completion", "token_count", "nfe", "cache_hits",
      "sampler", "model", "seed", "finish_reason", "commits_per_step");

  private MaskedDiffusionGeneration() {}

  /** The output rows (lazy) and how many empty prompts were skipped. */
  public record Result(Dataset<Row> output, long skippedEmptyPrompts) {}

  public static Result run(Dataset<Row> prompts, String idColumn, String promptColumn, MaskedModelSpec model,
      MaskedDiffusionSettings settings, boolean skipEmpty) {
    TextGeneration.validatePromptColumns(prompts.schema(), idColumn, promptColumn);
    String id = ColumnNames.quoted(idColumn);
    String text = ColumnNames.quoted(promptColumn);
    // one pass for the counts; the examples are looked up only when something is wrong
    org.apache.spark.sql.Column isEmpty = col(text).isNull().or(trim(col(text)).equalTo(""));
    Row counts = prompts.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.count(col(id)), org.apache.spark.sql.functions.countDistinct(col(id)),
        org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(isEmpty, 1).otherwise(0))).first();
    long nullIds = counts.getLong(0) - counts.getLong(1);
    if (nullIds > 0) {
      throw InputDataException.of(idColumn, "must not be null", nullIds + " prompts with a null id");
    }
    if (counts.getLong(2) < counts.getLong(1)) {
      Row repeated = prompts.groupBy(col(id)).count().filter(col("count").gt(1)).orderBy(col(id)).first();
      throw InputDataException.of(idColumn, "must be unique in the prompt table (the id keys the sampler's draws and "
          + "joins the exact-law metric)", "id " + repeated.get(0) + " on " + repeated.getLong(1) + " rows");
    }
    long emptyCount = counts.isNullAt(3) ? 0 : counts.getLong(3);
    if (emptyCount > 0 && !skipEmpty) {
      throw InputDataException.of(promptColumn, "must not be null or empty (set on_empty_prompt: skip to skip them)",
          emptyCount + " prompts, e.g. id " + prompts.filter(isEmpty).select(col(id)).orderBy(col(id)).first().get(0));
    }
    Dataset<Row> usable = emptyCount > 0 ? prompts.filter(col(text).isNotNull().and(trim(col(text)).notEqual("")))
        : prompts;
    Dataset<Row> rows = usable.select(col(id), col(text), xxhash64(col(id)).as("__key"));
    settings.kernel().checkFiles(model.vocabularySize());
    checkPrompts(rows, promptColumn, model);
    checkSpans(rows, model, settings.kernel());
    StructType schema = new StructType()
        .add(idColumn, prompts.schema().apply(idColumn).dataType(), false)
        .add("sample_index", DataTypes.IntegerType, false)
        .add("completion", DataTypes.StringType, false)
        .add("token_count", DataTypes.IntegerType, false)
        .add("nfe", DataTypes.IntegerType, false)
        .add("cache_hits", DataTypes.IntegerType, false)
        .add("sampler", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false)
        .add("seed", DataTypes.LongType, false)
        .add("finish_reason", DataTypes.StringType, false)
        .add("commits_per_step", DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    return new Result(rows.mapPartitions(new MaskedDiffusionRunner(model, settings), Encoders.row(schema)), emptyCount);
  }

  /**
   * LLaDA and ODD: their settings fit the generated span (model.length minus the prompt length) of every
   * prompt length present (one Spark job); else a ConfigException (exit 2) naming the diffusion key.
   */
  private static void checkSpans(Dataset<Row> rows, MaskedModelSpec model, DiffusionKernel kernel) {
    if (!kernel.onePromptLengthPerCall()) {
      return;
    }
    List<Integer> lengths = rows.mapPartitions((MapPartitionsFunction<Row, Integer>) it -> {
      java.util.Set<Integer> seen = new java.util.TreeSet<>();
      try (MaskedPrompts reader = model.prompts()) {
        while (it.hasNext()) {
          seen.add(reader.encode(it.next().getString(1)).length);
        }
      }
      return seen.iterator();
    }, Encoders.INT()).distinct().collectAsList().stream().sorted().toList();
    for (int p : lengths) {
      int span = model.length() - p;
      if (span > 0) {
        try {
          kernel.checkSpan(span);
        } catch (ConfigException e) {
          throw new ConfigException(e.getMessage().replaceFirst("parameter '", "parameter 'diffusion.")
              + " (gen_length is each row's generated span: model.length " + model.length() + " - prompt length " + p
              + " = " + span + ")");
        }
      }
    }
  }

  /** Every prompt encodes (one Spark job; the first offender and the count on failure). */
  private static void checkPrompts(Dataset<Row> rows, String promptColumn, MaskedModelSpec model) {
    Dataset<Row> bad = rows.mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
      List<Row> out = new ArrayList<>();
      try (MaskedPrompts reader = model.prompts()) {
        while (it.hasNext()) {
          Row r = it.next();
          try {
            reader.encode(r.getString(1));
          } catch (IllegalArgumentException e) {
            out.add(RowFactory.create(String.valueOf(r.get(0)), e.getMessage()));
          }
        }
      }
      return out.iterator();
    }, Encoders.row(new StructType().add("id", DataTypes.StringType).add("problem", DataTypes.StringType)));
    if (!bad.limit(1).collectAsList().isEmpty()) {
      Row first = bad.orderBy("id").first();
      String rule = model instanceof MarkovChainModel chain ? "must hold space-separated state names of model.states "
          + chain.states() + ", at most model.length = " + model.length() + " of them, with non-zero probability"
          + " under the chain" : "must encode to at most model.length = " + model.length() + " tokens without the mask"
          + " token";
      throw InputDataException.of(promptColumn, rule, bad.count() + " prompts, e.g. id " + first.getString(0) + ": "
          + first.getString(1));
    }
  }
}
