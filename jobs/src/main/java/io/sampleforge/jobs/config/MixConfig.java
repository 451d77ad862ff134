package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.mixture.ExhaustionPolicy;
import io.sampleforge.mixture.MixSpec;
import io.sampleforge.mixture.MixStrategy;
import io.sampleforge.mixture.ScoreTransform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code mix} job's config (conf/jobs/mix.yaml documents every key), validated on construction:
 * the input ({@code input}, one table with a {@code source_column}, or {@code sources}, a table per
 * source), the {@code id_column}, the base {@code output} (round r is written to {@code
 * output/round=r}), the {@code strategy} with its {@code temperature}, {@code weights} or {@code
 * scores} table, the {@code target} total, per-source {@code caps}, the {@code exhausted} policy, the
 * {@code round}, {@code exclude_previous}, the {@code seed}, and {@code column_types} for CSV input
 * (the source column is read as text, other undeclared columns typed from a sample: one parse).
 */
public record MixConfig(String input, TableFormat inputFormat, Map<String, String> sources, String sourceColumn,
    String idColumn, String output, WriteMode mode, String strategy, Double temperature, Map<String, Double> weights,
    ScoresConfig scores, Long target, Map<String, Long> caps, String exhausted, Integer round, Boolean excludePrevious,
    Long seed, Map<String, String> columnTypes) {

  /**
   * The per-source scores table of strategy scores (the Inf-DDS loop): {@code path} (Parquet or CSV),
   * {@code format}, its {@code source_column}, {@code score_column} and optional {@code round_column}
   * (the rows of the largest round are used), and how scores become weights: {@code transform}
   * softmax (P = softmax(score / temperature), Inf-DDS) or weights (scores are weights).
   */
  public record ScoresConfig(String path, TableFormat format, String sourceColumn, String scoreColumn,
      String roundColumn, String transform, Double temperature) {
    public ScoresConfig {
      if (path == null || path.isBlank()) {
        String set = java.util.stream.Stream.of(format == null ? null : "scores.format",
            sourceColumn == null ? null : "scores.source_column", scoreColumn == null ? null : "scores.score_column",
            roundColumn == null ? null : "scores.round_column", transform == null ? null : "scores.transform",
            temperature == null ? null : "scores.temperature").filter(java.util.Objects::nonNull).toList().toString();
        throw ConfigException.of("scores", "must name the per-source scores table in scores.path (keys set under "
            + "scores: " + set + ")", "path '" + path + "'");
      }
      format = format == null ? TableFormat.ofPath(path) : format;
      sourceColumn = sourceColumn == null ? "source" : sourceColumn;
      scoreColumn = scoreColumn == null ? "score" : scoreColumn;
    }
  }

  public MixConfig {
    if ((input == null) == (sources == null || sources.isEmpty())) {
      throw ConfigException.of(input == null ? "input" : "sources", "exactly one of input (one table with a source "
          + "column) and sources (a table per source) must be set", input == null ? "neither" : "both");
    }
    if (sources != null) {
      for (Map.Entry<String, String> e : sources.entrySet()) {
        if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null || e.getValue().isBlank()) {
          throw ConfigException.of("sources", "must map each source name to a table path", e);
        }
      }
      sources = java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output folder (round r is written to output/round=r)",
          "'" + output + "'");
    }
    inputFormat = inputFormat == null ? input == null ? null : TableFormat.ofPath(input) : inputFormat;
    sourceColumn = sourceColumn == null ? "source" : sourceColumn;
    idColumn = idColumn == null ? "id" : idColumn;
    mode = mode == null ? WriteMode.ERROR : mode;
    strategy = strategy == null ? MixStrategy.PROPORTIONAL.id() : strategy;
    exhausted = exhausted == null ? ExhaustionPolicy.STOP.id() : exhausted;
    round = round == null ? 0 : round;
    excludePrevious = excludePrevious != null && excludePrevious;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
    ColumnType.parseAll(columnTypes);
    MixStrategy s = MixStrategy.parse("strategy", strategy);
    if ((s == MixStrategy.SCORES) != (scores != null)) {
      throw ConfigException.of("scores", s == MixStrategy.SCORES ? "is required with strategy scores (scores.path)"
          : "applies to strategy scores only (strategy is " + strategy + ")", scores == null ? null : scores.path());
    }
    if (excludePrevious && round == 0) {
      throw ConfigException.of("exclude_previous", "needs a round > 0 (round 0 has no earlier rounds)", true);
    }
    spec(s, temperature, weights, scores, target, caps, exhausted, seed, round); // validates
  }

  private static MixSpec spec(MixStrategy s, Double temperature, Map<String, Double> weights, ScoresConfig scores,
      Long target, Map<String, Long> caps, String exhausted, long seed, int round) {
    return new MixSpec(s, temperature, weights,
        scores == null || scores.transform() == null ? null : ScoreTransform.parse("scores.transform", scores.transform()),
        scores == null ? null : scores.temperature(), target, caps, ExhaustionPolicy.parse("exhausted", exhausted), seed,
        round);
  }

  /** The kernel's mixture specification. */
  public MixSpec spec() {
    return spec(MixStrategy.parse("strategy", strategy), temperature, weights, scores, target, caps, exhausted, seed,
        round);
  }

  /**
   * How a CSV/TSV input is typed without an inference pass: the source column (of {@code input}) as
   * text, {@code column_types} as declared, the rest from a sample; the parsed rows are cached for
   * the job's second pass (the id check and counts, then the threshold pass).
   */
  public io.sampleforge.jobs.io.CsvColumns csvColumns() {
    return io.sampleforge.jobs.io.CsvColumns.ofStrings(input != null ? java.util.List.of(sourceColumn)
        : java.util.List.of(), ColumnType.parseAll(columnTypes)).cached();
  }

  /** Where round {@code r} is written. */
  public String roundOutput(int r) {
    return output.replaceAll("/+$", "") + "/round=" + r;
  }

  /** What the job reads and writes: this round's folder, and every input table. */
  public JobTarget jobTarget() {
    Map<String, String> in = new LinkedHashMap<>();
    if (input != null) {
      in.put("input", input);
    } else {
      sources.forEach((k, v) -> in.put("sources." + k, v));
    }
    if (scores != null) {
      in.put("scores.path", scores.path());
    }
    return new RoundTarget(roundOutput(round), mode, in);
  }

  /** One round's output and the inputs it must not overlap. */
  private record RoundTarget(String output, WriteMode mode, Map<String, String> inputLocations) implements JobTarget {}
}
