package io.sampleforge.spark.text;

import io.sampleforge.spark.common.ColumnNames;


import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.decode.ContextOverflow;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.model.ModelSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic text on Spark: the prompt table stays partitioned across executors; the model is
 * broadcast once per executor JVM; each task tokenizes its prompts, forms batches of similar
 * prompt length, decodes them with {@link io.sampleforge.decode.BatchDecoder} (keyed draws, so
 * batch size, partitioning and core count never change a completion) and emits one row per
 * (prompt, sample). Output columns: the id column, sample_index, completion, token_count,
 * finish_reason, logprob_sum, sampler, model, seed. Cost: one pass over the prompts; the model calls.
 */
public final class TextGeneration {
  public static final List<String> OUTPUT = List.of("sample_index", "completion", "token_count", "finish_reason",
      "logprob_sum", "sampler", "model", "seed");

  private TextGeneration() {}

  /** Checks that the id and prompt columns exist and the prompts are strings (no Spark job). */
  static void validatePromptColumns(StructType schema, String idColumn, String promptColumn) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String c : List.of(idColumn, promptColumn)) {
      if (!names.contains(c)) {
        throw InputDataException.of(c, "must exist in the prompt table (columns: " + String.join(", ", names) + ")", "missing");
      }
    }
    if (!(schema.apply(promptColumn).dataType() instanceof org.apache.spark.sql.types.StringType)) {
      throw InputDataException.of(promptColumn, "must be a string column", schema.apply(promptColumn).dataType().simpleString());
    }
  }

  /** The output columns: the prompt table's id column, then {@link #OUTPUT} (no Spark job). */
  static StructType outputSchema(StructType prompts, String idColumn) {
    return new StructType()
        .add(idColumn, prompts.apply(idColumn).dataType(), false)
        .add("sample_index", DataTypes.IntegerType, false)
        .add("completion", DataTypes.StringType, false)
        .add("token_count", DataTypes.IntegerType, false)
        .add("finish_reason", DataTypes.StringType, false)
        .add("logprob_sum", DataTypes.DoubleType, false)
        .add("sampler", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false)
        .add("seed", DataTypes.LongType, false);
  }

  /** Generation output and how many empty prompts were skipped. */
  public record Result(Dataset<Row> output, long skippedEmptyPrompts) {}

  public static Result run(Dataset<Row> prompts, String idColumn, String promptColumn, ModelSpec model,
      GenerationSettings settings, boolean skipEmpty) {
    return run(prompts, idColumn, promptColumn, model, settings, skipEmpty, ContextOverflow.ERROR, List.of());
  }

  /**
   * With {@code overrides}: sampler keys whose per-row values come from the prompt table's columns
   * of the same name (null = the job's value); every distinct value is validated on the driver.
   */
  public static Result run(Dataset<Row> prompts, String idColumn, String promptColumn, ModelSpec model,
      GenerationSettings settings, boolean skipEmpty, ContextOverflow overflow, List<String> overrides) {
    RowOverrides.validate(prompts, settings.sampler(), overrides);
    validatePromptColumns(prompts.schema(), idColumn, promptColumn);
    String id = ColumnNames.quoted(idColumn);
    String text = ColumnNames.quoted(promptColumn);
    long nullIds = prompts.filter(col(id).isNull()).count();
    if (nullIds > 0) {
      throw InputDataException.of(idColumn, "must not be null", nullIds + " prompts with a null id");
    }
    Dataset<Row> empty = prompts.filter(col(text).isNull().or(org.apache.spark.sql.functions.trim(col(text)).equalTo("")));
    long emptyCount = empty.count();
    if (emptyCount > 0 && !skipEmpty) {
      Row example = empty.select(col(id)).first();
      throw InputDataException.of(promptColumn, "must not be null or empty (set on_empty_prompt: skip to skip them)",
          emptyCount + " prompts, e.g. id " + example.get(0));
    }
    Dataset<Row> usable = emptyCount > 0
        ? prompts.filter(col(text).isNotNull().and(org.apache.spark.sql.functions.trim(col(text)).notEqual(""))) : prompts;
    Broadcast<ModelSpec> shared = prompts.sparkSession().sparkContext().broadcast(model,
        scala.reflect.ClassTag$.MODULE$.apply(ModelSpec.class));
    if (model.context() > 0 && overflow == ContextOverflow.ERROR) {
      int limit = model.context() - 1;
      List<Row> tooLong = usable.select(col(id), col(text)).mapPartitions(
          (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
            // the tokenizer alone: the model is not loaded for a length check
            List<Row> out = new java.util.ArrayList<>();
            try (io.sampleforge.model.PromptEncoder encoder = shared.value().encoder()) {
              while (rows.hasNext()) {
                Row r = rows.next();
                int n = encoder.encode(r.getString(1)).length;
                if (n > limit) {
                  out.add(org.apache.spark.sql.RowFactory.create(String.valueOf(r.get(0)), n));
                }
              }
            }
            return out.iterator();
          }, Encoders.row(new StructType().add("id", DataTypes.StringType).add("tokens", DataTypes.IntegerType)))
          .collectAsList();
      if (!tooLong.isEmpty()) {
        Row e = tooLong.get(0);
        throw InputDataException.of(promptColumn, "must leave room for a new token in the model context of "
            + model.context() + " tokens (set context_overflow: truncate-left to cut them)",
            tooLong.size() + " prompts, e.g. id " + e.get(0) + " with " + e.get(1) + " tokens");
      }
    }
    StructType schema = outputSchema(prompts.schema(), idColumn);
    List<org.apache.spark.sql.Column> selected = new java.util.ArrayList<>(List.of(col(id), col(text),
        xxhash64(col(id)).as("__key")));
    overrides.forEach(o -> selected.add(col(ColumnNames.quoted(o)).cast(DataTypes.DoubleType)));
    Dataset<Row> out = usable.select(selected.toArray(org.apache.spark.sql.Column[]::new))
        .mapPartitions(new GenerationRunner(shared, settings, overflow, overrides), Encoders.row(schema));
    return new Result(out, emptyCount);
  }
}
